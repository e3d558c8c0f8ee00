import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { count } from '../support/shop';
import { uuidv7 } from '../../src/shared/ids';
import { formatCode, parseCode, withCheck } from '../../src/shared/coupons/code';
import { receiptDoc } from '../../src/main/sales/receipt-doc';
import { receiptLines } from '../../src/main/receipts/receipt-text';
import { runFactHook } from '../../src/main/sync/hooks';
import { inTransaction } from '../../src/main/db/open';
import { setState } from '../../src/main/sync/state';
import { isSpreadsheetSafeCell } from '../../src/shared/csv';
import type { App } from '../../src/main/app';
import type { InputOf } from '../../src/shared/api';

const APPLE = 'APPLE-1';
const PEAR = 'PEAR-1';

/** A Shanghai store selling in yuan, a manager on 'mgr' and a clerk on 'clerk'; the clock reads 17:00 local on 2026-11-22. */
async function store() {
  const app = makeApp();
  await readyStore(app, 's1', { currency: 'CNY', language: 'zh-CN', timezone: 'Asia/Shanghai' });
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 's1');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 's1');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'clerk');
  const apple = await ok(
    app,
    'catalog.create',
    { sku: 'APL', name: 'Apple', altName: '苹果', unit: 'each', price: 1000, cost: 500, barcodes: [APPLE] },
    'mgr',
  );
  const pear = await ok(app, 'catalog.create', { sku: 'PER', name: 'Pear', unit: 'each', price: 800, cost: 400, barcodes: [PEAR] }, 'mgr');
  return { app, appleId: apple.id, pearId: pear.id };
}

type Draft = InputOf<'coupons.create'>['campaign'];

function tenOff(over: Partial<Draft> = {}): Draft {
  return {
    name: 'Ten percent',
    nameZh: '九折',
    reward: { off: { kind: 'percent', bp: 1000 }, scope: { kind: 'all' } },
    conditions: { minSpend: 1500 },
    codes: { mode: 'batch', count: 5 },
    ...over,
  };
}

async function codesOf(app: App, campaignId: string): Promise<string[]> {
  return (await ok(app, 'coupons.codes', { campaignId }, 'mgr')).rows.map((r) => r.code);
}

async function scanAll(app: App, codes: string[]) {
  let cart = await ok(app, 'cart.get', {}, 'clerk');
  for (const code of codes) cart = await ok(app, 'cart.scan', { code }, 'clerk');
  return cart;
}

async function pay(app: App) {
  const cart = await ok(app, 'cart.get', {}, 'clerk');
  return ok(
    app,
    'sales.complete',
    { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: cart.priced.total }] },
    'clerk',
  );
}

/** Flips one symbol of a grouped code to another symbol of the alphabet. */
function flipped(code: string): string {
  const i = code.indexOf('-') - 1;
  const ch = code[i] === 'A' ? 'B' : 'A';
  return code.slice(0, i) + ch + code.slice(i + 1);
}

describe('coupons at the till', () => {
  it('a batch coupon: made by a manager, applied by a clerk, on the cart, order, receipt and ledger; a second use is refused; a full return releases it', async () => {
    const { app } = await store();
    const refused = await fail(app, 'coupons.create', { campaign: tenOff() }, 'clerk');
    expect(refused.code).toBe('FORBIDDEN');
    expect(count(app, 'coupon_campaigns') + count(app, 'coupon_codes')).toBe(0);

    const campaign = await ok(app, 'coupons.create', { campaign: tenOff() }, 'mgr');
    expect(campaign).toMatchObject({ mode: 'batch', codeCount: 5, used: 0, active: true, sharedCode: null });
    expect(count(app, 'coupon_codes', 'campaign_id = ?', campaign.id)).toBe(5);
    expect(count(app, 'audit', "action = 'coupon.create' AND target = ?", campaign.id)).toBe(1);
    // The campaign and every code travel to the other tills.
    expect(count(app, 'outbox', "entity = 'coupon_campaign'")).toBe(1);
    expect(count(app, 'outbox', "entity = 'coupon_code'")).toBe(5);
    const [code, other] = await codesOf(app, campaign.id);
    expect(parseCode(code!)).not.toBeNull();

    // Below the minimum spend: refused, and the sale is as it was.
    await scanAll(app, [APPLE]);
    const short = await fail(app, 'coupons.apply', { code: code! }, 'clerk');
    expect(short).toMatchObject({
      code: 'VALIDATION',
      details: { messageKey: 'coupons.err.minSpend', money: { minSpend: 1500 }, currency: 'CNY' },
    });
    expect(count(app, 'cart_coupons')).toBe(0);

    const before = await ok(app, 'cart.scan', { code: PEAR }, 'clerk');
    expect(before.priced.total).toBe(1800);
    // Typed in lower case without dashes: still the code.
    const cart = await ok(app, 'coupons.apply', { code: code!.replace(/-/g, '').toLowerCase() }, 'clerk');
    expect(cart.coupon).toMatchObject({ code, campaignId: campaign.id, amount: 180, refusal: null });
    expect(cart.priced).toMatchObject({ subtotal: 1800, discountTotal: 180, total: 1620 });
    expect(cart.applied).toEqual([
      { promotionId: campaign.id, name: 'Coupon: Ten percent', nameZh: '优惠券：九折', amount: 180, lineIds: cart.lines.map((l) => l.id) },
    ]);
    expect(cart.lines.map((l) => l.promotionDiscount)).toEqual([100, 80]);

    const order = await pay(app);
    expect(order).toMatchObject({ discountTotal: 180, total: 1620 });
    expect(order.lines[0]!.promotions).toEqual([
      { promotionId: campaign.id, name: 'Coupon: Ten percent', nameZh: '优惠券：九折', amount: 100 },
    ]);
    const ledger = app.deps.sqlite.prepare('SELECT * FROM coupon_redemptions').all() as Record<string, unknown>[];
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'redeem', order_id: order.id, amount: 180, offline: 0, code: code!.replace(/-/g, '') });
    expect(count(app, 'outbox', "entity = 'coupon_redemption'")).toBe(1);
    const receipt = receiptLines(receiptDoc(app.deps, order.id), 32).map((l) => l.text);
    expect(
      receipt.some((t) => t.includes('优惠券：九折') && /-¥1\.00$/.test(t)),
      receipt.join('\n'),
    ).toBe(true);

    // The same code on the next sale: refused, nothing written.
    await scanAll(app, [APPLE, PEAR]);
    const again = await fail(app, 'coupons.apply', { code: code! }, 'clerk');
    expect(again).toMatchObject({ code: 'CONFLICT', details: { messageKey: 'coupons.err.used' } });
    expect(count(app, 'cart_coupons', 'cart_id = (SELECT id FROM carts WHERE status = ?)', 'open')).toBe(0);
    // Another code of the batch works on it.
    expect((await ok(app, 'coupons.apply', { code: other! }, 'clerk')).coupon?.amount).toBe(180);
    await ok(app, 'coupons.remove', {}, 'clerk');
    expect((await ok(app, 'cart.get', {}, 'clerk')).priced.total).toBe(1800);

    const page = await ok(app, 'coupons.codes', { campaignId: campaign.id, status: 'used' }, 'mgr');
    expect(page).toMatchObject({ total: 1, rows: [{ code, status: 'used', orderId: order.id, orderNumber: order.number, uses: 1 }] });

    // A partial return keeps the use; returning the rest releases it (one reversing entry).
    const [appleLine, pearLine] = order.lines;
    await ok(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: appleLine!.id, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    expect(count(app, 'coupon_redemptions', "kind = 'release'")).toBe(0);
    await ok(
      app,
      'refunds.create',
      { orderId: order.id, refundId: uuidv7(), lines: [{ orderLineId: pearLine!.id, qty: 1000, disposition: 'restock' }], method: 'cash' },
      'clerk',
    );
    const release = app.deps.sqlite.prepare("SELECT * FROM coupon_redemptions WHERE kind = 'release'").all() as Record<string, unknown>[];
    expect(release).toEqual([expect.objectContaining({ reverses_id: ledger[0]!.id, amount: -180, order_id: order.id })]);
    expect((await ok(app, 'coupons.apply', { code: code! }, 'clerk')).coupon?.amount).toBe(180);
    expect((await ok(app, 'coupons.campaigns', {}, 'mgr'))[0]!.used).toBe(0);
  });

  it('refuses a mistyped, unknown, oversized or hostile code before any lookup, and leaves the sale unchanged', async () => {
    const { app } = await store();
    const campaign = await ok(app, 'coupons.create', { campaign: tenOff({ conditions: {} }) }, 'mgr');
    const [code] = await codesOf(app, campaign.id);
    await scanAll(app, [APPLE]);
    const cartBefore = await ok(app, 'cart.get', {}, 'clerk');
    for (const bad of [flipped(code!), "'; DROP TABLE coupon_codes; --", 'A'.repeat(13), '0000-0000-0000-1']) {
      const e = await fail(app, 'coupons.apply', { code: bad }, 'clerk');
      expect(e, bad).toMatchObject({ code: 'VALIDATION', details: { messageKey: 'coupons.err.invalid' } });
    }
    expect((await fail(app, 'coupons.apply', { code: 'X'.repeat(10_000) }, 'clerk')).code).toBe('VALIDATION');
    expect((await fail(app, 'coupons.apply', { code: 'A\u202eB' }, 'clerk')).code).toBe('VALIDATION');
    // Well formed but never issued.
    const unknown = formatCode(withCheck('ZZZZZZZZZZZZ'));
    expect(await fail(app, 'coupons.apply', { code: unknown }, 'clerk')).toMatchObject({
      code: 'NOT_FOUND',
      details: { messageKey: 'coupons.err.unknown' },
    });
    expect(count(app, 'cart_coupons')).toBe(0);
    expect(await ok(app, 'cart.get', {}, 'clerk')).toEqual(cartBefore);
    expect(count(app, 'coupon_codes')).toBe(5);
  });

  it('dates, pause, per-customer and shared caps each refuse with their own message', async () => {
    const { app, appleId } = await store();
    const later = await ok(app, 'coupons.create', { campaign: tenOff({ conditions: { startDate: '2026-11-23' } }) }, 'mgr');
    const past = await ok(app, 'coupons.create', { campaign: tenOff({ conditions: { endDate: '2026-11-21' } }) }, 'mgr');
    const shared = await ok(
      app,
      'coupons.create',
      {
        campaign: tenOff({
          name: 'Apples ¥2 off',
          reward: { off: { kind: 'amount', minor: 200 }, scope: { kind: 'products', productIds: [appleId] } },
          conditions: { usesPerCustomer: 1 },
          codes: { mode: 'shared', maxUses: 2 },
        }),
      },
      'mgr',
    );
    expect(shared.sharedCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    await scanAll(app, [APPLE, PEAR]);
    const [laterCode] = await codesOf(app, later.id);
    const [pastCode] = await codesOf(app, past.id);
    expect((await fail(app, 'coupons.apply', { code: laterCode! }, 'clerk')).details).toMatchObject({
      messageKey: 'coupons.err.notYetValid',
    });
    expect((await fail(app, 'coupons.apply', { code: pastCode! }, 'clerk')).details).toMatchObject({ messageKey: 'coupons.err.expired' });
    app.clock.advance(86_400_000);
    const staff = await ok(app, 'staff.list', {}, 's9');
    await ok(app, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Carl')!.id, pin: '3333' }, 'clerk');
    await ok(app, 'staff.signIn', { staffId: staff.find((s) => s.name === 'Mona')!.id, pin: '2222' }, 'mgr');
    expect((await ok(app, 'coupons.apply', { code: laterCode! }, 'clerk')).coupon?.amount).toBe(180);
    await ok(app, 'coupons.remove', {}, 'clerk');
    await ok(app, 'coupons.setActive', { id: later.id, active: false }, 'mgr');
    expect(count(app, 'audit', "action = 'coupon.pause'")).toBe(1);
    expect((await fail(app, 'coupons.apply', { code: laterCode! }, 'clerk')).details).toMatchObject({ messageKey: 'coupons.err.inactive' });

    // Per customer: needs a customer; once used, that customer is refused, another is not; the cap of two holds.
    const code = shared.sharedCode!;
    expect((await fail(app, 'coupons.apply', { code }, 'clerk')).details).toMatchObject({ messageKey: 'coupons.err.needsCustomer' });
    const jane = await ok(app, 'customers.create', { name: 'Jane' }, 'clerk');
    const joe = await ok(app, 'customers.create', { name: 'Joe' }, 'clerk');
    const kim = await ok(app, 'customers.create', { name: 'Kim' }, 'clerk');
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    const withJane = await ok(app, 'coupons.apply', { code }, 'clerk');
    // Only the apple is in scope: ¥2 off it, nothing off the pear.
    expect(withJane.lines.map((l) => l.promotionDiscount ?? 0)).toEqual([200, 0]);
    await pay(app);
    await scanAll(app, [APPLE]);
    await ok(app, 'cart.setCustomer', { customerId: jane.id }, 'clerk');
    expect((await fail(app, 'coupons.apply', { code }, 'clerk')).details).toMatchObject({ messageKey: 'coupons.err.customerLimit' });
    await ok(app, 'cart.setCustomer', { customerId: joe.id }, 'clerk');
    await ok(app, 'coupons.apply', { code }, 'clerk');
    await pay(app);
    await scanAll(app, [APPLE]);
    await ok(app, 'cart.setCustomer', { customerId: kim.id }, 'clerk');
    expect((await fail(app, 'coupons.apply', { code }, 'clerk')).details).toMatchObject({ messageKey: 'coupons.err.usedUp' });
    // A sale with only the pear has nothing the apple coupon covers.
    await ok(app, 'cart.setCustomer', { customerId: null }, 'clerk');
    const lines = (await ok(app, 'cart.get', {}, 'clerk')).lines;
    await ok(app, 'cart.removeLine', { lineId: lines[0]!.id }, 'clerk');
    await ok(app, 'cart.scan', { code: PEAR }, 'clerk');
    const appleOnly = await ok(
      app,
      'coupons.create',
      {
        campaign: tenOff({
          reward: { off: { kind: 'percent', bp: 500 }, scope: { kind: 'products', productIds: [appleId] } },
          conditions: {},
        }),
      },
      'mgr',
    );
    const [appleCode] = await codesOf(app, appleOnly.id);
    expect((await fail(app, 'coupons.apply', { code: appleCode! }, 'clerk')).details).toMatchObject({
      messageKey: 'coupons.err.nothingEligible',
    });
  });

  it('a coupon that stops applying after the sale changed is refused at checkout, and nothing is sold', async () => {
    const { app } = await store();
    const campaign = await ok(app, 'coupons.create', { campaign: tenOff() }, 'mgr');
    const [code] = await codesOf(app, campaign.id);
    const cart = await scanAll(app, [APPLE, PEAR]);
    await ok(app, 'coupons.apply', { code: code! }, 'clerk');
    const shrunk = await ok(app, 'cart.removeLine', { lineId: cart.lines[1]!.id }, 'clerk');
    expect(shrunk.coupon).toMatchObject({ refusal: 'minSpend', amount: 0 });
    expect(shrunk.priced.total).toBe(1000);
    const e = await fail(
      app,
      'sales.complete',
      { cartId: shrunk.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1000 }] },
      'clerk',
    );
    expect(e.details).toMatchObject({ messageKey: 'coupons.err.minSpend' });
    expect(count(app, 'orders') + count(app, 'coupon_redemptions')).toBe(0);
  });

  it('hostile campaign input is refused with nothing written; foreign ids are not found', async () => {
    const { app } = await store();
    const bad: unknown[] = [
      tenOff({ codes: { mode: 'batch', count: -1 } }),
      tenOff({ codes: { mode: 'batch', count: 100_001 } }),
      tenOff({ reward: { off: { kind: 'percent', bp: 0 }, scope: { kind: 'all' } } }),
      tenOff({ reward: { off: { kind: 'percent', bp: 10_001 }, scope: { kind: 'all' } } }),
      tenOff({ reward: { off: { kind: 'amount', minor: -500 }, scope: { kind: 'all' } } }),
      tenOff({ conditions: { minSpend: -1 } }),
      tenOff({ conditions: { startDate: '2026-12-31', endDate: '2026-01-01' } }),
      tenOff({ name: '=HYPERLINK("x")\u0000' }),
      { ...tenOff(), id: uuidv7() },
    ];
    for (const campaign of bad) expect((await fail(app, 'coupons.create', { campaign }, 'mgr')).code).toBe('VALIDATION');
    expect(count(app, 'coupon_campaigns') + count(app, 'coupon_codes') + count(app, 'outbox', "entity LIKE 'coupon%'")).toBe(0);
    expect((await fail(app, 'coupons.codes', { campaignId: uuidv7() }, 'mgr')).code).toBe('NOT_FOUND');
    expect((await fail(app, 'coupons.setActive', { id: uuidv7(), active: false }, 'mgr')).code).toBe('NOT_FOUND');
    expect((await fail(app, 'coupons.codes', { campaignId: "1' OR '1'='1" }, 'mgr')).code).toBe('VALIDATION');
    for (const channel of ['coupons.campaigns', 'coupons.conflicts', 'coupons.policy'] as const)
      expect((await fail(app, channel, {}, 'clerk')).code).toBe('FORBIDDEN');
    expect((await fail(app, 'coupons.setPolicy', { offlineCap: -1 }, 'mgr')).code).toBe('VALIDATION');
    expect((await fail(app, 'coupons.setPolicy', { offlineCap: 5 }, 'clerk')).code).toBe('FORBIDDEN');
  });

  it('the CSV of codes is spreadsheet-safe and the PDF sheet holds one card per code', async () => {
    const { app } = await store();
    const campaign = await ok(
      app,
      'coupons.create',
      { campaign: tenOff({ name: '=1+2 @SUM(A1)', codes: { mode: 'batch', count: 30 } }) },
      'mgr',
    );
    const { csv, rows } = await ok(app, 'coupons.csv', { campaignId: campaign.id }, 'mgr');
    expect(rows).toBe(30);
    const cells = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','));
    expect(cells.every((c) => c.every((cell) => isSpreadsheetSafeCell(cell)))).toBe(true);
    expect(csv).not.toMatch(/,=1\+2/);
    const pdf = await ok(app, 'coupons.pdf', { campaignId: campaign.id }, 'mgr');
    expect(pdf.codes).toBe(30);
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a single-use code redeemed on another till too is recorded as a conflict once, audited, and listed with both sales', async () => {
    const { app } = await store();
    const campaign = await ok(app, 'coupons.create', { campaign: tenOff() }, 'mgr');
    const [code] = await codesOf(app, campaign.id);
    await scanAll(app, [APPLE, PEAR]);
    await ok(app, 'coupons.apply', { code: code! }, 'clerk');
    const order = await pay(app);
    // Another till's redemption of the same code, as a pull writes it (an earlier sale made offline).
    const foreignId = uuidv7();
    const foreignOrder = uuidv7();
    inTransaction(app.deps.sqlite, () => {
      app.deps.sqlite
        .prepare(
          `INSERT INTO coupon_redemptions (id, campaign_id, code, kind, reverses_id, order_id, customer_id, terminal_code, staff_id, amount, offline, created_at)
           VALUES (?, ?, ?, 'redeem', NULL, ?, NULL, 'T2', NULL, 180, 1, ?)`,
        )
        .run(foreignId, campaign.id, code!.replace(/-/g, ''), foreignOrder, app.deps.clock() + 1000);
      runFactHook(app.deps, 'coupon_redemption', foreignId);
      runFactHook(app.deps, 'coupon_redemption', foreignId);
    });
    const conflicts = await ok(app, 'coupons.conflicts', {}, 'mgr');
    expect(conflicts).toEqual([
      expect.objectContaining({
        code,
        campaignId: campaign.id,
        amount: 180,
        kept: expect.objectContaining({
          orderId: order.id,
          orderNumber: order.number,
          terminalCode: 'T1',
          staffName: 'Carl',
          offline: false,
        }),
        extra: expect.objectContaining({ orderId: foreignOrder, terminalCode: 'T2', offline: true }),
      }),
    ]);
    expect(count(app, 'audit', "action = 'coupon.conflict' AND success = 0")).toBe(1);
    expect((await ok(app, 'coupons.codes', { campaignId: campaign.id, status: 'used' }, 'mgr')).rows[0]!.uses).toBe(2);
  });

  it('offline, a till takes single-use coupons only up to its cap per offline period, and marks them offline', async () => {
    const { app } = await store();
    const campaign = await ok(app, 'coupons.create', { campaign: tenOff({ conditions: {} }) }, 'mgr');
    const [a, b, c] = await codesOf(app, campaign.id);
    expect(await ok(app, 'coupons.setPolicy', { offlineCap: 1 }, 'mgr')).toMatchObject({ offlineCap: 1, offline: false, offlineHeld: 0 });
    expect(count(app, 'audit', "action = 'coupon.policy'")).toBe(1);
    // Joined to a cloud that has not answered yet: offline for coupons.
    const link = {
      serverUrl: 'https://cloud.example',
      orgId: uuidv7(),
      orgName: 'Org',
      storeName: 'Shop',
      deviceId: uuidv7(),
      terminalCode: 'T1',
      enrolledAt: 0,
    };
    setState(app.deps.sqlite, 'cloud', { ...link, storeId: uuidv7() });
    expect((await ok(app, 'coupons.policy', {}, 'mgr')).offline).toBe(true);

    await scanAll(app, [APPLE]);
    await ok(app, 'coupons.apply', { code: a! }, 'clerk');
    await pay(app);
    expect(app.deps.sqlite.prepare('SELECT offline FROM coupon_redemptions').pluck().all()).toEqual([1]);
    await scanAll(app, [APPLE]);
    expect(await fail(app, 'coupons.apply', { code: b! }, 'clerk')).toMatchObject({
      code: 'DECLINED',
      details: { messageKey: 'coupons.err.offlineCap', max: 1 },
    });
    expect(count(app, 'cart_coupons')).toBe(0);
    // Once the cloud has the offline redemption, a new offline period starts.
    app.deps.sqlite.prepare("DELETE FROM outbox WHERE entity = 'coupon_redemption'").run();
    await ok(app, 'coupons.apply', { code: c! }, 'clerk');
    expect((await ok(app, 'coupons.policy', {}, 'mgr')).offlineHeld).toBe(0);
  });

  it('a batch of 100,000 codes is made in one go, all distinct and well formed', async () => {
    const { app } = await store();
    const started = Date.now();
    const campaign = await ok(app, 'coupons.create', { campaign: tenOff({ codes: { mode: 'batch', count: 100_000 } }) }, 'mgr');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(campaign.codeCount).toBe(100_000);
    const codes = app.deps.sqlite.prepare('SELECT code FROM coupon_codes').pluck().all() as string[];
    expect(new Set(codes).size).toBe(100_000);
    expect(codes.every((c) => parseCode(c) === c && /[A-Z]/.test(c.slice(0, -1)))).toBe(true);
    const last = await ok(app, 'coupons.codes', { campaignId: campaign.id, offset: 99_990, limit: 100 }, 'mgr');
    expect(last.total).toBe(100_000);
    expect(last.rows.map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 99_991 + i));
  }, 120_000);
});
