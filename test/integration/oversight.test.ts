import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { AuditRow } from '../../src/shared/api';
import { recordAudit } from '../../src/main/audit/audit';
import { inTransaction } from '../../src/main/db/open';
import { fail, makeApp, ok, readyStore } from '../support/app';

type App = ReturnType<typeof makeApp>;
const root = join(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function sell(app: App, codes: string[], session = 's1') {
  let cart = await ok(app, 'cart.get', {}, session);
  for (const code of codes) cart = await ok(app, 'cart.scan', { code }, session);
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 100_000 }] }, session);
}

function verifyCli(dataDir: string, json = false) {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/verify-journal.ts', '--data', dataDir, ...(json ? ['--json'] : [])],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return { code: res.status, out: res.stdout + res.stderr };
}

describe('journal verification', () => {
  it('the channel and `npm run verify-journal` say intact, then name the first broken entry after tampering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-journal-'));
    dirs.push(dir);
    const app = makeApp({ dataDir: dir });
    await readyStore(app);
    const orders = [];
    for (let i = 0; i < 5; i++) orders.push(await sell(app, ['5000112637922', '4006381333931']));

    const good = await ok(app, 'journal.verify', {});
    expect(good).toMatchObject({ ok: true, entries: 5, firstBroken: null, kinds: { sale: 5 } });
    const cli = verifyCli(dir);
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('5 entries checked (sale 5)');
    expect(cli.out).toContain('OK');

    // Someone lowers the total of the third sale's line in the database, behind the app's back.
    app.deps.sqlite.prepare('UPDATE order_lines SET total = total - 100 WHERE order_id = ?').run(orders[2]!.id);
    const bad = await ok(app, 'journal.verify', {});
    expect(bad.ok).toBe(false);
    expect(bad.firstBroken).toMatchObject({ seq: 3, kind: 'sale', refId: orders[2]!.id });
    expect(bad.firstBrokenNumber).toBe(orders[2]!.number);
    const broken = verifyCli(dir);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`BROKEN at entry #3 (sale ${orders[2]!.number}`);
    const json = JSON.parse(verifyCli(dir, true).out) as { ok: boolean; firstBroken: { seq: number } };
    expect(json).toMatchObject({ ok: false, firstBroken: { seq: 3 } });

    // An edit to the journal itself (a forged earlier entry) is named too.
    app.deps.sqlite.prepare('UPDATE journal SET payload = replace(payload, \'"total"\', \'"total" \') WHERE seq = 2').run();
    expect((await ok(app, 'journal.verify', {})).firstBroken?.seq).toBe(2);
    app.close();
    expect(verifyCli(join(dir, 'nowhere')).code).toBe(2);
  });

  it('`npm run verify-journal` names a raised Z report, and says when the key is not on this machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-journal-'));
    dirs.push(dir);
    const app = makeApp({ dataDir: dir });
    await readyStore(app);
    await sell(app, ['5000112637922']);
    const shift = (await ok(app, 'shifts.current', {})).shift!;
    await ok(app, 'shifts.close', { shiftId: shift.id, counts: [{ value: 2000, pieces: 5 }] });
    app.deps.sqlite.prepare('UPDATE shift_closes SET counted_cash = counted_cash + 10000, over_short = over_short + 10000').run();
    app.close();
    const raised = verifyCli(dir);
    expect(raised.code).toBe(1);
    expect(raised.out).toMatch(
      /BROKEN at entry #2 \(Z report T1-S\d+, id [^)]+\): it no longer matches its stored rows: the Z report was changed/,
    );
    // Put back, the same file on a machine without the key (here: the key file moved away).
    const db = new Database(join(dir, 'countertop.db'));
    db.prepare('UPDATE shift_closes SET counted_cash = counted_cash - 10000, over_short = over_short - 10000').run();
    db.close();
    renameSync(join(dir, 'secrets.key'), join(dir, 'elsewhere.key'));
    const elsewhere = verifyCli(dir);
    expect(elsewhere.code).toBe(3);
    expect(elsewhere.out).toContain('NOT VERIFIED: entries #1–#2 (2) were chained with a journal key this machine does not have');
  });

  it('a clerk may not run it; a manager may', async () => {
    const app = makeApp();
    await readyStore(app);
    const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' });
    const mgr = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' });
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'c');
    await ok(app, 'staff.signIn', { staffId: mgr.id, pin: '2222' }, 'm');
    expect((await fail(app, 'journal.verify', {}, 'c')).code).toBe('FORBIDDEN');
    expect((await ok(app, 'journal.verify', {}, 'm')).ok).toBe(true);
    app.close();
  });
});

describe('the audit log', () => {
  it('records who, what, when, terminal, approver and outcome; a manager browses it, a clerk may not', async () => {
    const app = makeApp();
    const { adminId } = await readyStore(app);
    const clerk = await ok(app, 'staff.create', { name: 'Carl', role: 'clerk', pin: '3333' });
    const mgr = await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' });
    await ok(app, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, 'c');
    await ok(app, 'staff.signIn', { staffId: mgr.id, pin: '2222' }, 'm');
    // A clerk tries a manager channel: refused and audited.
    expect((await fail(app, 'audit.list', {}, 'c')).code).toBe('FORBIDDEN');
    // A clerk gives a big discount with the manager's PIN: approved, audited with the approver.
    await ok(app, 'cart.scan', { code: '5000112637922' }, 'c');
    await ok(app, 'cart.setCartDiscount', { discount: { kind: 'percent', bp: 5000 }, approval: { staffId: mgr.id, pin: '2222' } }, 'c');
    // A wrong PIN at sign-in.
    await fail(app, 'staff.signIn', { staffId: clerk.id, pin: '9999' }, 'x');

    const page = await ok(app, 'audit.list', {}, 'm');
    const find = (action: string) => page.rows.find((r) => r.action === action);
    expect(find('forbidden')).toMatchObject({
      staffId: clerk.id,
      staffName: 'Carl',
      target: 'audit.list',
      success: false,
      terminalCode: 'T1',
    });
    expect(find('discount.cart')).toMatchObject({ staffName: 'Carl', approvedBy: mgr.id, approverName: 'Mona', success: true });
    expect(page.rows.every((r) => typeof r.at === 'number' && r.at > 0)).toBe(true);
    // Filters: who, what (exact or family), outcome, approver.
    const byClerk = await ok(app, 'audit.list', { staffId: clerk.id }, 'm');
    expect(byClerk.rows.length).toBeGreaterThan(0);
    expect(byClerk.rows.every((r) => r.staffId === clerk.id)).toBe(true);
    const staffFamily = await ok(app, 'audit.list', { actionPrefix: 'staff.' }, 'm');
    // the admin (created by setup), Carl and Mona
    expect(staffFamily.rows.map((r) => r.action)).toEqual(['staff.create', 'staff.create', 'staff.create']);
    expect((await ok(app, 'audit.list', { outcome: 'failure' }, 'm')).rows.every((r) => !r.success)).toBe(true);
    expect((await ok(app, 'audit.list', { approvedBy: mgr.id }, 'm')).rows.map((r) => r.action)).toEqual(['discount.cart']);
    const facets = await ok(app, 'audit.facets', {}, 'm');
    expect(facets.actions).toEqual(expect.arrayContaining(['forbidden', 'discount.cart', 'staff.create']));
    expect(facets.terminals).toEqual(['T1']);
    expect(facets.staff.map((s) => s.id).sort()).toEqual([adminId, clerk.id, mgr.id].sort());
    app.close();
  });

  it('paging walks every matching entry once, newest first, for any filter (property)', async () => {
    const app = makeApp();
    const { adminId } = await readyStore(app);
    await ok(app, 'staff.create', { name: 'Mona', role: 'manager', pin: '2222' });
    const base = app.clock.now;
    const actions = ['price.override', 'discount.line', 'drawer.open', 'sale.void'];
    inTransaction(app.deps.sqlite, () => {
      for (let i = 0; i < 240; i++) {
        // Several entries share a millisecond: the keyset must not skip or repeat them.
        app.clock.now = base + Math.floor(i / 3) * 1000;
        recordAudit(app.deps, {
          staffId: i % 4 === 0 ? null : adminId,
          action: actions[i % actions.length]!,
          target: `t${i}`,
          approvedBy: i % 5 === 0 ? adminId : null,
          success: i % 7 !== 0,
        });
      }
    });
    app.clock.now = base + 120_000; // after the entries, within the idle lock
    const all = app.deps.sqlite.prepare('SELECT id, at, action, staff_id AS staffId, success FROM audit').all() as {
      id: string;
      at: number;
      action: string;
      staffId: string | null;
      success: number;
    }[];

    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            action: fc.constantFrom(...actions),
            actionPrefix: fc.constantFrom('discount.', 'staff.', 'd', 'price.override'),
            outcome: fc.constantFrom('success' as const, 'failure' as const),
            staffId: fc.constant(adminId),
            from: fc.integer({ min: base - 1000, max: base + 90_000 }),
            to: fc.integer({ min: base, max: base + 100_000 }),
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 1, max: 37 }),
        async (filter, limit) => {
          const seen: AuditRow[] = [];
          let before: { at: number; id: string } | undefined;
          for (let guard = 0; guard < 500; guard++) {
            const page = await ok(app, 'audit.list', { ...filter, limit, ...(before ? { before } : {}) });
            expect(page.rows.length).toBeLessThanOrEqual(limit);
            seen.push(...page.rows);
            if (!page.next) break;
            before = page.next;
          }
          const expected = all
            .filter((r) => {
              if (filter.action && r.action !== filter.action) return false;
              if (filter.actionPrefix && !r.action.startsWith(filter.actionPrefix)) return false;
              if (filter.outcome && (filter.outcome === 'success') !== (r.success === 1)) return false;
              if (filter.staffId && r.staffId !== filter.staffId) return false;
              if (filter.from !== undefined && r.at < filter.from) return false;
              if (filter.to !== undefined && r.at >= filter.to) return false;
              return true;
            })
            .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
            .map((r) => r.id);
          expect(seen.map((r) => r.id)).toEqual(expected);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
    app.close();
  });
});
