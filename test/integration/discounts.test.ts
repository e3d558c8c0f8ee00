import { describe, expect, it } from 'vitest';
import { fail, makeApp, ok, readyStore } from '../support/app';
import { snapshotDb } from '../support/db-snapshot';

type App = ReturnType<typeof makeApp>;

/**
 * Admin on 'admin'; manager Mona (2222) on 'mgr'; clerk Carl (3333) on 'till', with a sale of
 * 10 colas (10 × 1.50 = 15.00) and a sourdough bread (3.25). Default discount limit: 10%.
 */
async function counter() {
  const app = makeApp();
  const store = await readyStore(app, 'admin');
  const manager = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' }, 'admin');
  const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' }, 'admin');
  const clerk2 = await ok(app, 'staff.create', { name: 'Cleo', role: 'clerk', pin: '4444' }, 'admin');
  await ok(app, 'staff.signIn', { staffId: manager.id, pin: '2222' }, 'mgr');
  await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'till');
  await ok(app, 'cart.scan', { code: '5000112637922' }, 'till');
  const cart = await ok(app, 'cart.setQty', { lineId: (await ok(app, 'cart.get', {}, 'till')).lines[0]!.id, qty: 10_000 }, 'till');
  const withBread = await ok(app, 'cart.scan', { code: '4006381333931' }, 'till');
  expect(withBread.priced.total).toBe(1500 + 325);
  expect((await ok(app, 'settings.get', {}, 'till')).discountLimitBp).toBe(1000);
  return { app, ...store, manager, clerk, clerk2, colaLine: cart.lines[0]!.id, breadLine: withBread.lines[1]!.id };
}

interface AuditRow {
  staffId: string | null;
  action: string;
  approvedBy: string | null;
  success: number;
}
function lastAudit(app: App, action: string): AuditRow | undefined {
  return app.deps.sqlite
    .prepare(
      'SELECT staff_id AS staffId, action, approved_by AS approvedBy, success FROM audit WHERE action = ? ORDER BY rowid DESC LIMIT 1',
    )
    .get(action) as AuditRow | undefined;
}
const failedAttempts = (app: App, staffId: string) =>
  (app.deps.sqlite.prepare('SELECT failed_attempts AS n FROM staff WHERE id = ?').get(staffId) as { n: number }).n;

describe('line discounts', () => {
  it('a clerk’s discount within the limit applies without approval', async () => {
    const c = await counter();
    const cart = await ok(c.app, 'cart.setLineDiscount', { lineId: c.colaLine, discount: { kind: 'percent', bp: 1000 } }, 'till');
    expect(cart.priced.lines[0]).toMatchObject({ gross: 1500, lineDiscount: 150, net: 1350 });
    expect(cart.priced.total).toBe(1350 + 325);
    // An amount exactly at the limit (1.50 of 15.00) is fine too.
    const amount = await ok(c.app, 'cart.setLineDiscount', { lineId: c.colaLine, discount: { kind: 'amount', minor: 150 } }, 'till');
    expect(amount.priced.lines[0]!.lineDiscount).toBe(150);
    expect(lastAudit(c.app, 'discount.line')).toMatchObject({ staffId: c.clerk.id, approvedBy: null, success: 1 });
  });

  it('above the limit a clerk gets APPROVAL_REQUIRED and the sale is unchanged', async () => {
    const c = await counter();
    const before = snapshotDb(c.app.deps.sqlite);
    for (const discount of [
      { kind: 'percent' as const, bp: 1001 },
      { kind: 'percent' as const, bp: 5000 },
      { kind: 'amount' as const, minor: 151 },
    ]) {
      const err = await fail(c.app, 'cart.setLineDiscount', { lineId: c.colaLine, discount }, 'till');
      expect(err.code).toBe('APPROVAL_REQUIRED');
    }
    expect(snapshotDb(c.app.deps.sqlite).hashes).toEqual(before.hashes);
    expect((await ok(c.app, 'cart.get', {}, 'till')).priced.discountTotal).toBe(0);
  });

  it('with a manager’s PIN it applies, and the audit names the manager as approver', async () => {
    const c = await counter();
    const cart = await ok(
      c.app,
      'cart.setLineDiscount',
      { lineId: c.colaLine, discount: { kind: 'percent', bp: 5000 }, approval: { staffId: c.manager.id, pin: '2222' } },
      'till',
    );
    expect(cart.priced.lines[0]!.lineDiscount).toBe(750);
    expect(cart.priced.total).toBe(750 + 325);
    expect(lastAudit(c.app, 'discount.line')).toEqual({
      staffId: c.clerk.id,
      action: 'discount.line',
      approvedBy: c.manager.id,
      success: 1,
    });
    // The approval does not sign the manager in on the clerk's till.
    expect((await ok(c.app, 'session.me', {}, 'till')).staff?.id).toBe(c.clerk.id);
  });

  it('an admin’s PIN approves too', async () => {
    const c = await counter();
    await ok(
      c.app,
      'cart.setLineDiscount',
      { lineId: c.colaLine, discount: { kind: 'percent', bp: 2000 }, approval: { staffId: c.adminId, pin: '1234' } },
      'till',
    );
    expect(lastAudit(c.app, 'discount.line')?.approvedBy).toBe(c.adminId);
  });

  it('a clerk’s PIN as approver is FORBIDDEN, even their own', async () => {
    const c = await counter();
    for (const approval of [
      { staffId: c.clerk2.id, pin: '4444' },
      { staffId: c.clerk.id, pin: '3333' },
    ]) {
      const err = await fail(
        c.app,
        'cart.setLineDiscount',
        { lineId: c.colaLine, discount: { kind: 'percent', bp: 5000 }, approval },
        'till',
      );
      expect(err.code).toBe('FORBIDDEN');
    }
    expect((await ok(c.app, 'cart.get', {}, 'till')).priced.discountTotal).toBe(0);
  });

  it('a wrong manager PIN is refused, counted against the manager and audited', async () => {
    const c = await counter();
    const err = await fail(
      c.app,
      'cart.setLineDiscount',
      { lineId: c.colaLine, discount: { kind: 'percent', bp: 5000 }, approval: { staffId: c.manager.id, pin: '9999' } },
      'till',
    );
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.details).toEqual({ attemptsLeft: 4 });
    expect((await ok(c.app, 'cart.get', {}, 'till')).priced.discountTotal).toBe(0);
    expect(failedAttempts(c.app, c.manager.id)).toBe(1);
    expect(lastAudit(c.app, 'discount.line.approvalFailed')).toMatchObject({ staffId: c.clerk.id, success: 0 });
    expect(lastAudit(c.app, 'discount.line')).toBeUndefined();

    // Guessing a manager's PIN at the till locks the manager like guessing at sign-in does.
    for (let i = 0; i < 3; i++)
      await fail(
        c.app,
        'cart.setLineDiscount',
        { lineId: c.colaLine, discount: { kind: 'percent', bp: 5000 }, approval: { staffId: c.manager.id, pin: '9999' } },
        'till',
      );
    const fifth = await fail(
      c.app,
      'cart.setLineDiscount',
      { lineId: c.colaLine, discount: { kind: 'percent', bp: 5000 }, approval: { staffId: c.manager.id, pin: '9999' } },
      'till',
    );
    expect(fifth.code).toBe('LOCKED');
    const right = await fail(
      c.app,
      'cart.setLineDiscount',
      { lineId: c.colaLine, discount: { kind: 'percent', bp: 5000 }, approval: { staffId: c.manager.id, pin: '2222' } },
      'till',
    );
    expect(right.code).toBe('LOCKED');
    expect((await fail(c.app, 'staff.signIn', { staffId: c.manager.id, pin: '2222' }, 'other')).code).toBe('LOCKED');
  });

  it('a manager needs no approval for a large discount (audited as self-approved)', async () => {
    const c = await counter();
    const cart = await ok(c.app, 'cart.setLineDiscount', { lineId: c.colaLine, discount: { kind: 'percent', bp: 10000 } }, 'mgr');
    expect(cart.priced.lines[0]!.net).toBe(0);
    expect(lastAudit(c.app, 'discount.line')).toMatchObject({ staffId: c.manager.id, approvedBy: c.manager.id });
  });

  it('an amount larger than the line is refused', async () => {
    const c = await counter();
    const err = await fail(c.app, 'cart.setLineDiscount', { lineId: c.breadLine, discount: { kind: 'amount', minor: 326 } }, 'mgr');
    expect(err.code).toBe('VALIDATION');
  });

  it('the limit follows the setting', async () => {
    const c = await counter();
    await ok(c.app, 'settings.update', { discountLimitBp: 2500 }, 'admin');
    await ok(c.app, 'cart.setLineDiscount', { lineId: c.colaLine, discount: { kind: 'percent', bp: 2500 } }, 'till');
    expect((await fail(c.app, 'cart.setLineDiscount', { lineId: c.colaLine, discount: { kind: 'percent', bp: 2501 } }, 'till')).code).toBe(
      'APPROVAL_REQUIRED',
    );
  });

  it('lowering the quantity after an amount discount cannot push a clerk past the limit unapproved', async () => {
    const c = await counter();
    // 1.50 off 10 colas (15.00) is 10%: allowed.
    await ok(c.app, 'cart.setLineDiscount', { lineId: c.colaLine, discount: { kind: 'amount', minor: 150 } }, 'till');
    // Now down to 1 cola: the same 1.50 would be 100% off.
    const res = await c.app.router.call('cart.setQty', { lineId: c.colaLine, qty: 1000 }, 'till');
    if (res.ok) {
      const line = (await ok(c.app, 'cart.get', {}, 'till')).priced.lines[0]!;
      expect(line.gross).toBe(150);
      expect(line.lineDiscount * 10_000).toBeLessThanOrEqual(line.gross * 1000);
    } else {
      expect(res.error.code).toBe('APPROVAL_REQUIRED');
    }
  });
});

describe('price overrides', () => {
  it('always need approval for a clerk, even a small change', async () => {
    const c = await counter();
    for (const unitPrice of [149, 151, 0]) {
      expect((await fail(c.app, 'cart.overridePrice', { lineId: c.colaLine, unitPrice }, 'till')).code).toBe('APPROVAL_REQUIRED');
    }
    expect((await ok(c.app, 'cart.get', {}, 'till')).lines[0]!.unitPrice).toBe(150);
  });

  it('apply with a manager’s PIN, audited with the approver, old and new price', async () => {
    const c = await counter();
    const cart = await ok(
      c.app,
      'cart.overridePrice',
      { lineId: c.colaLine, unitPrice: 100, approval: { staffId: c.manager.id, pin: '2222' } },
      'till',
    );
    expect(cart.lines[0]).toMatchObject({ unitPrice: 100, originalPrice: 150 });
    expect(cart.priced.total).toBe(1000 + 325);
    const row = c.app.deps.sqlite
      .prepare(
        "SELECT staff_id AS staffId, approved_by AS approvedBy, details FROM audit WHERE action = 'price.override' ORDER BY rowid DESC LIMIT 1",
      )
      .get() as { staffId: string; approvedBy: string; details: string };
    expect(row.staffId).toBe(c.clerk.id);
    expect(row.approvedBy).toBe(c.manager.id);
    expect(JSON.parse(row.details)).toMatchObject({ from: 150, to: 100 });
  });

  it('a clerk’s PIN cannot approve, a wrong manager PIN is refused and counted', async () => {
    const c = await counter();
    expect(
      (
        await fail(
          c.app,
          'cart.overridePrice',
          { lineId: c.colaLine, unitPrice: 100, approval: { staffId: c.clerk2.id, pin: '4444' } },
          'till',
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await fail(
          c.app,
          'cart.overridePrice',
          { lineId: c.colaLine, unitPrice: 100, approval: { staffId: c.manager.id, pin: '0000' } },
          'till',
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
    expect(failedAttempts(c.app, c.manager.id)).toBe(1);
    expect(lastAudit(c.app, 'price.override.approvalFailed')).toMatchObject({ staffId: c.clerk.id, success: 0 });
    expect((await ok(c.app, 'cart.get', {}, 'till')).lines[0]!.unitPrice).toBe(150);
  });

  it('a manager overrides without approval', async () => {
    const c = await counter();
    const cart = await ok(c.app, 'cart.overridePrice', { lineId: c.colaLine, unitPrice: 99 }, 'mgr');
    expect(cart.lines[0]!.unitPrice).toBe(99);
    expect(lastAudit(c.app, 'price.override')).toMatchObject({ staffId: c.manager.id, approvedBy: c.manager.id });
  });

  it('the overridden price is what the sale charges', async () => {
    const c = await counter();
    const cart = await ok(c.app, 'cart.overridePrice', { lineId: c.colaLine, unitPrice: 120 }, 'mgr');
    const order = await ok(
      c.app,
      'sales.complete',
      { cartId: cart.id!, checkoutId: '01900000-0000-7000-8000-0000000000aa', tenders: [{ kind: 'cash', amount: 2000 }] },
      'till',
    );
    expect(order.total).toBe(1200 + 325);
    expect(order.lines[0]).toMatchObject({ unitPrice: 120, total: 1200 });
  });
});

describe('cart discounts', () => {
  it('within the limit a clerk applies it; it spreads over the lines', async () => {
    const c = await counter();
    const cart = await ok(c.app, 'cart.setCartDiscount', { discount: { kind: 'percent', bp: 1000 } }, 'till');
    expect(cart.priced.discountTotal).toBe(183); // 10% of 18.25 = 1.825 → 1.83
    expect(cart.priced.total).toBe(1825 - 183);
    expect(cart.priced.lines.reduce((s, l) => s + l.cartDiscount, 0)).toBe(183);
    expect(lastAudit(c.app, 'discount.cart')).toMatchObject({ staffId: c.clerk.id, approvedBy: null });
  });

  it('above the limit: APPROVAL_REQUIRED; with a manager’s PIN it applies and names the approver', async () => {
    const c = await counter();
    expect((await fail(c.app, 'cart.setCartDiscount', { discount: { kind: 'amount', minor: 500 } }, 'till')).code).toBe(
      'APPROVAL_REQUIRED',
    );
    expect((await ok(c.app, 'cart.get', {}, 'till')).cartDiscount).toBeNull();
    const cart = await ok(
      c.app,
      'cart.setCartDiscount',
      { discount: { kind: 'amount', minor: 500 }, approval: { staffId: c.manager.id, pin: '2222' } },
      'till',
    );
    expect(cart.priced.total).toBe(1825 - 500);
    expect(lastAudit(c.app, 'discount.cart')).toMatchObject({ staffId: c.clerk.id, approvedBy: c.manager.id, success: 1 });
  });

  it('a clerk approver is FORBIDDEN; a wrong manager PIN is refused and counted', async () => {
    const c = await counter();
    expect(
      (
        await fail(
          c.app,
          'cart.setCartDiscount',
          { discount: { kind: 'percent', bp: 3000 }, approval: { staffId: c.clerk2.id, pin: '4444' } },
          'till',
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await fail(
          c.app,
          'cart.setCartDiscount',
          { discount: { kind: 'percent', bp: 3000 }, approval: { staffId: c.manager.id, pin: '1111' } },
          'till',
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
    expect(failedAttempts(c.app, c.manager.id)).toBe(1);
    expect((await ok(c.app, 'cart.get', {}, 'till')).cartDiscount).toBeNull();
  });

  it('a manager needs no approval', async () => {
    const c = await counter();
    const cart = await ok(c.app, 'cart.setCartDiscount', { discount: { kind: 'percent', bp: 5000 } }, 'mgr');
    expect(cart.priced.discountTotal).toBe(913); // 9.125 → 9.13
    expect(lastAudit(c.app, 'discount.cart')).toMatchObject({ staffId: c.manager.id, approvedBy: c.manager.id });
  });

  it('removing lines after an amount cart discount cannot push a clerk past the limit unapproved', async () => {
    const c = await counter();
    // 1.80 off 18.25 is under 10%.
    await ok(c.app, 'cart.setCartDiscount', { discount: { kind: 'amount', minor: 180 } }, 'till');
    // Take the colas off: 1.80 off a 3.25 bread is 55%.
    const res = await c.app.router.call('cart.removeLine', { lineId: c.colaLine }, 'till');
    if (res.ok) {
      const priced = (await ok(c.app, 'cart.get', {}, 'till')).priced;
      expect(priced.subtotal).toBe(325);
      expect(priced.discountTotal * 10_000).toBeLessThanOrEqual(priced.subtotal * 1000);
    } else {
      expect(res.error.code).toBe('APPROVAL_REQUIRED');
    }
  });
});
