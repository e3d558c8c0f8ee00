import { afterEach, describe, expect, it } from 'vitest';
import { runAfterApply } from '../../src/main/sync/hooks';
import type { App } from '../../src/main/app';
import { fail, makeApp, ok, readyStore } from '../support/app';

const apps: App[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
});

const ids = {
  store: '018f0000-0000-7000-8000-000000000001',
  order: '018f0000-0000-7000-8000-000000000002',
  buyer: '018f0000-0000-7000-8000-000000000003',
};

/** A buyer's review as a pull writes it (the cloud's record), then the pull's hook. */
function pulled(app: App, r: { id: string; productId: string; rating: number; hidden?: boolean; comment?: string }) {
  const had = app.deps.sqlite.prepare('SELECT 1 FROM product_reviews WHERE id = ?').get(r.id);
  if (had)
    app.deps.sqlite
      .prepare('UPDATE product_reviews SET rating = ?, hidden = ?, hidden_reason = ? WHERE id = ?')
      .run(r.rating, r.hidden ? 1 : 0, r.hidden ? 'elsewhere' : '', r.id);
  else
    app.deps.sqlite
      .prepare(
        `INSERT INTO product_reviews (id, product_id, store_id, order_id, order_line_id, buyer_id, author, rating, comment,
          created_at, edited_at, hidden, hidden_reason, hidden_by, hidden_at, hlc)
         VALUES (?, ?, ?, ?, ?, ?, 'Li', ?, ?, 1000, 1000, ?, '', NULL, NULL, 'h')`,
      )
      .run(r.id, r.productId, ids.store, ids.order, app.deps.ids(), ids.buyer, r.rating, r.comment ?? '', r.hidden ? 1 : 0);
  runAfterApply(app.deps, new Map([['product_review', new Set([r.id])]]), { deferDerived: false });
}

const rating = (app: App, productId: string) =>
  app.deps.sqlite.prepare('SELECT count, sum, avg100 FROM product_ratings WHERE product_id = ?').get(productId) ?? null;

describe('buyers’ online reviews at the till', () => {
  it('count in the product’s rating while shown, by the difference when changed, and not while hidden', async () => {
    const app = makeApp();
    apps.push(app);
    const { cola, bread } = await readyStore(app);
    const a = app.deps.ids();
    const b = app.deps.ids();
    pulled(app, { id: a, productId: cola.id, rating: 5 });
    pulled(app, { id: b, productId: cola.id, rating: 2 });
    expect(rating(app, cola.id)).toEqual({ count: 2, sum: 7, avg100: 350 });
    // The same page applied twice counts once.
    runAfterApply(app.deps, new Map([['product_review', new Set([a, b])]]), { deferDerived: false });
    expect(rating(app, cola.id)).toEqual({ count: 2, sum: 7, avg100: 350 });
    pulled(app, { id: b, productId: cola.id, rating: 4 });
    expect(rating(app, cola.id)).toEqual({ count: 2, sum: 9, avg100: 450 });
    pulled(app, { id: a, productId: cola.id, rating: 5, hidden: true });
    expect(rating(app, cola.id)).toEqual({ count: 1, sum: 4, avg100: 400 });
    // A review that arrives hidden never counts; the last one hidden leaves the product unrated.
    pulled(app, { id: app.deps.ids(), productId: bread.id, rating: 1, hidden: true });
    expect(rating(app, bread.id)).toBeNull();
    pulled(app, { id: b, productId: cola.id, rating: 4, hidden: true });
    expect(rating(app, cola.id)).toBeNull();
    const listed = await ok(app, 'feedback.products', { sort: 'rating_desc', rated: true, offset: 0, limit: 50 });
    expect(listed.items.map((p) => p.productId)).not.toContain(cola.id);
  });

  it('a manager hides one with a reason, which syncs; a clerk can neither list nor hide', async () => {
    const app = makeApp();
    apps.push(app);
    const { cola } = await readyStore(app);
    const id = app.deps.ids();
    pulled(app, { id, productId: cola.id, rating: 3, comment: 'Fine' });
    const list = await ok(app, 'reviews.list', { offset: 0, limit: 50 });
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id, productName: 'Cola 330ml', rating: 3, comment: 'Fine', hidden: false });

    expect((await fail(app, 'reviews.setHidden', { id, hidden: true, reason: '' })).code).toBe('VALIDATION');
    expect((await fail(app, 'reviews.setHidden', { id: app.deps.ids(), hidden: true, reason: 'Spam' })).code).toBe('NOT_FOUND');
    expect((await fail(app, 'reviews.setHidden', { id, hidden: true, reason: 'Spam\u202e' })).code).toBe('VALIDATION');
    const queued = () =>
      app.deps.sqlite.prepare("SELECT COUNT(*) FROM outbox WHERE entity = 'product_review' AND entity_id = ?").pluck().get(id);
    const before = queued() as number;
    const hid = await ok(app, 'reviews.setHidden', { id, hidden: true, reason: 'Spam' });
    expect(hid).toMatchObject({ hidden: true, hiddenReason: 'Spam' });
    expect(rating(app, cola.id)).toBeNull();
    expect(await ok(app, 'reviews.list', { hidden: false, offset: 0, limit: 50 })).toEqual({ items: [], total: 0 });
    expect((await ok(app, 'reviews.list', { hidden: true, offset: 0, limit: 50 })).total).toBe(1);
    // The hide is queued for the cloud like any change of a synced record.
    expect(queued()).toBe(before + 1);
    await ok(app, 'reviews.setHidden', { id, hidden: false, reason: '' });
    expect(rating(app, cola.id)).toEqual({ count: 1, sum: 3, avg100: 300 });

    const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' });
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'c');
    expect((await fail(app, 'reviews.list', { offset: 0, limit: 50 }, 'c')).code).toBe('FORBIDDEN');
    expect((await fail(app, 'reviews.setHidden', { id, hidden: true, reason: 'mine' }, 'c')).code).toBe('FORBIDDEN');
  });
});
