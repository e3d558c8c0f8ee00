import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeApp, ok, readyStore } from '../support/app';
import { uuidv7 } from '../../src/shared/ids';
import { encodeScaleBarcode } from '../../src/shared/scale-barcode';
import { createProduct } from '../../src/main/catalog/products';
import { inTransaction } from '../../src/main/db/open';
import {
  canonicalJson,
  chainHash,
  GENESIS_HASH,
  JOURNAL_SECRETS,
  journalKey,
  keyedHash,
  noteCloudHead,
  verifyJournal,
} from '../../src/main/journal/journal';
import { describeReport, journalReport } from '../../src/main/journal/report';
import { memorySecretStore } from '../../src/main/secrets/secrets';
import { verifyStoreJournal } from '../../src/main/journal/verify';

type App = ReturnType<typeof makeApp>;

interface LevelCheck {
  productId: string;
  locationId: string;
  level: number | null;
  movements: number | null;
}

/** Every (product, location) that has a level or a movement, with both numbers side by side (no movements sum to 0). */
function levelsVsMovements(app: App): LevelCheck[] {
  return app.deps.sqlite
    .prepare(
      `WITH m AS (SELECT product_id, location_id, SUM(qty_delta) AS s FROM stock_movements GROUP BY product_id, location_id),
            keys AS (SELECT product_id, location_id FROM m UNION SELECT product_id, location_id FROM stock_levels)
       SELECT k.product_id AS productId, k.location_id AS locationId, l.qty AS level, COALESCE(m.s, 0) AS movements
       FROM keys k
       LEFT JOIN stock_levels l ON l.product_id = k.product_id AND l.location_id = k.location_id
       LEFT JOIN m ON m.product_id = k.product_id AND m.location_id = k.location_id`,
    )
    .all() as LevelCheck[];
}

function expectLedgerBalanced(app: App) {
  const rows = levelsVsMovements(app);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.level, `${r.productId}@${r.locationId}`).toBe(r.movements);
}

async function sellCash(app: App, codes: string[]) {
  let cart = await ok(app, 'cart.get', {});
  for (const code of codes) cart = await ok(app, 'cart.scan', { code });
  return ok(app, 'sales.complete', {
    cartId: cart.id!,
    checkoutId: uuidv7(),
    tenders: [{ kind: 'cash', amount: cart.priced.total + 500 }],
  });
}

async function shopWithSales() {
  const app = makeApp();
  const s = await readyStore(app);
  inTransaction(app.deps.sqlite, () =>
    createProduct(
      app.deps,
      { sku: 'MILK', name: 'Milk 1L', unit: 'each', price: 99, cost: 50, barcodes: ['4000417025005'], openingStock: 40_000 },
      null,
    ),
  );
  const orders = [];
  orders.push(await sellCash(app, ['5000112637922', '5000112637922', '4006381333931']));
  orders.push(await sellCash(app, [encodeScaleBarcode('21', '00042', 532), '4000417025005']));
  orders.push(await sellCash(app, ['4000417025005', '4000417025005', '4000417025005', encodeScaleBarcode('26', '00042', 450)]));
  orders.push(await sellCash(app, ['BREAD']));
  return { app, orders, ...s };
}

describe('stock ledger', () => {
  it('after several sales every stock level equals the sum of its movements', async () => {
    const { app, cola, apple } = await shopWithSales();
    expectLedgerBalanced(app);
    const milk = app.deps.sqlite.prepare("SELECT id FROM products WHERE sku = 'MILK'").get() as { id: string };
    const level = (id: string) =>
      (app.deps.sqlite.prepare('SELECT SUM(qty) AS q FROM stock_levels WHERE product_id = ?').get(id) as { q: number }).q;
    expect(level(cola.id)).toBe(-2000);
    expect(level(milk.id)).toBe(40_000 - 4000);
    // 0.532 kg by weight, then a 4.50 price label at 2.99/kg = 1.505 kg.
    expect(level(apple.id)).toBe(-(532 + 1505));
    const moves = app.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM stock_movements WHERE kind = 'sale'").get() as { n: number };
    expect(moves.n).toBe(2 + 2 + 2 + 1);
  });

  it('the ledger stays balanced over random sequences of sales (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.constantFrom(
              '5000112637922',
              '4006381333931',
              'COLA',
              encodeScaleBarcode('22', '00042', 250),
              encodeScaleBarcode('27', '00042', 199),
            ),
            {
              minLength: 1,
              maxLength: 6,
            },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        async (sales) => {
          const app = makeApp();
          try {
            await readyStore(app);
            let sold = 0;
            for (const codes of sales) {
              const order = await sellCash(app, codes);
              sold += order.lines.reduce((s, l) => s + l.qty, 0);
            }
            expectLedgerBalanced(app);
            const out = app.deps.sqlite.prepare("SELECT -SUM(qty_delta) AS q FROM stock_movements WHERE kind = 'sale'").get() as {
              q: number;
            };
            expect(out.q).toBe(sold);
            expect(verifyJournal(app.deps)).toMatchObject({ ok: true, entries: sales.length });
          } finally {
            app.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a failed sale leaves no movement behind', async () => {
    const { app } = await shopWithSales();
    const before = levelsVsMovements(app);
    const cart = await ok(app, 'cart.scan', { code: '5000112637922' });
    const res = await app.router.call(
      'sales.complete',
      { cartId: cart.id, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 1 }] },
      's1',
    );
    expect(res.ok).toBe(false);
    expect(levelsVsMovements(app)).toEqual(before);
  });
});

describe('journal', () => {
  it('chains every completed sale and verifies', async () => {
    const { app, orders } = await shopWithSales();
    const check = verifyJournal(app.deps);
    expect(check).toMatchObject({ ok: true, entries: orders.length, firstBroken: null, problem: null, legacy: 0, keyedFrom: 1 });
    const rows = app.deps.sqlite
      .prepare('SELECT seq, kind, ref_id AS refId, payload, prev_hash AS prevHash, hash FROM journal ORDER BY seq')
      .all() as {
      seq: number;
      kind: string;
      refId: string;
      payload: string;
      prevHash: string;
      hash: string;
    }[];
    expect(rows.map((r) => r.refId)).toEqual(orders.map((o) => o.id));
    expect(rows.every((r) => r.kind === 'sale')).toBe(true);
    expect(rows[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    // The payload is the sale as it was completed.
    const doc = JSON.parse(rows[1]!.payload) as { document: { total: number; number: string } };
    expect(doc.document).toMatchObject({ total: orders[1]!.total, number: orders[1]!.number });
    // Keyed: an HMAC with the key kept outside the file, not a hash anyone could recompute.
    expect(rows[1]!.hash).not.toBe(chainHash(rows[1]!.prevHash, rows[1]!.payload));
    expect(rows[1]!.hash).toBe(keyedHash(journalKey(app.deps.secrets, false)!.key, rows[1]!.prevHash, rows[1]!.payload));
  });

  it('tampering with one payload makes verifyJournal name that entry', async () => {
    const { app, orders } = await shopWithSales();
    const victim = orders[1]!;
    const row = app.deps.sqlite.prepare('SELECT seq, payload FROM journal WHERE ref_id = ?').get(victim.id) as {
      seq: number;
      payload: string;
    };
    const doc = JSON.parse(row.payload) as { document: { total: number } };
    doc.document.total = 1; // someone "corrects" the sale's total
    app.deps.sqlite.prepare('UPDATE journal SET payload = ? WHERE seq = ?').run(canonicalJson(doc), row.seq);
    const check = verifyJournal(app.deps);
    expect(check.ok).toBe(false);
    expect(check.firstBroken).toEqual({ seq: row.seq, refId: victim.id, kind: 'sale' });
  });

  it('re-hashing the tampered entry without the key is caught at that entry', async () => {
    const { app, orders } = await shopWithSales();
    const row = app.deps.sqlite.prepare('SELECT seq, payload, prev_hash AS prevHash FROM journal WHERE ref_id = ?').get(orders[1]!.id) as {
      seq: number;
      payload: string;
      prevHash: string;
    };
    const forged = row.payload.replace(/"total":\d+/, '"total":1');
    expect(forged).not.toBe(row.payload);
    app.deps.sqlite.prepare('UPDATE journal SET payload = ?, hash = ? WHERE seq = ?').run(forged, chainHash(row.prevHash, forged), row.seq);
    const check = verifyJournal(app.deps);
    expect(check.ok).toBe(false);
    expect(check).toMatchObject({ problem: 'hash', firstBroken: { seq: row.seq, refId: orders[1]!.id } });
  });

  it('editing a completed sale in the orders table is detectable against the journal', async () => {
    const { app, orders } = await shopWithSales();
    // The journal is only worth something if history outside it cannot be rewritten unnoticed.
    app.deps.sqlite.prepare('UPDATE orders SET total = 1 WHERE id = ?').run(orders[1]!.id);
    expect(verifyStoreJournal(app.deps).ok).toBe(false);
    const check = verifyStoreJournal(app.deps);
    expect(check.ok).toBe(false);
    expect(check.firstBroken?.refId).toBe(orders[1]!.id);
  });

  it('deleting an entry breaks the chain', async () => {
    const { app, orders } = await shopWithSales();
    app.deps.sqlite.prepare('DELETE FROM journal WHERE ref_id = ?').run(orders[1]!.id);
    const check = verifyJournal(app.deps);
    expect(check.ok).toBe(false);
    expect(check.firstBroken?.refId).toBe(orders[2]!.id);
  });
});

type JournalRow = { seq: number; payload: string; prevHash: string; hash: string; keyId: string | null };
const journalRows = (app: App) =>
  app.deps.sqlite
    .prepare('SELECT seq, payload, prev_hash AS prevHash, hash, key_id AS keyId FROM journal ORDER BY seq')
    .all() as JournalRow[];

/** What someone holding only the file can do: rewrite entries and recompute the chain with plain SHA-256. */
function recomputeWithoutKey(app: App, edit: (row: JournalRow) => string, dropKey: boolean) {
  let prev = GENESIS_HASH;
  const upd = app.deps.sqlite.prepare('UPDATE journal SET payload = ?, prev_hash = ?, hash = ?, key_id = ? WHERE seq = ?');
  for (const row of journalRows(app)) {
    const payload = edit(row);
    const hash = chainHash(prev, payload);
    upd.run(payload, prev, hash, dropKey ? null : row.keyId, row.seq);
    prev = hash;
  }
}

describe('the journal proves what it claims', () => {
  async function closedShift() {
    const { app, orders } = await shopWithSales();
    const shift = (await ok(app, 'shifts.current', {})).shift!;
    const z = await ok(app, 'shifts.close', { shiftId: shift.id, counts: [{ value: 2000, pieces: 5 }] });
    return { app, orders, shift, z };
  }

  it('a Z report whose counted cash was raised by 100.00 no longer verifies (columns, stored report, or both)', async () => {
    const { app, shift, z } = await closedShift();
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: true, problem: null });
    const seq = z.journalSeq!;
    const snapshot = app.deps.sqlite.prepare('SELECT * FROM shift_closes WHERE shift_id = ?').get(shift.id) as Record<string, unknown>;
    const restore = () =>
      app.deps.sqlite
        .prepare('UPDATE shift_closes SET counted_cash = ?, over_short = ?, report = ? WHERE shift_id = ?')
        .run(snapshot.counted_cash, snapshot.over_short, snapshot.report, shift.id);

    // The columns alone (what the shift list shows).
    app.deps.sqlite
      .prepare('UPDATE shift_closes SET counted_cash = counted_cash + 10000, over_short = over_short + 10000 WHERE shift_id = ?')
      .run(shift.id);
    expect(verifyStoreJournal(app.deps)).toMatchObject({
      ok: false,
      problem: 'content',
      firstBroken: { seq, kind: 'shift_close', refId: shift.id },
    });
    restore();
    expect(verifyStoreJournal(app.deps).ok).toBe(true);

    // The stored report alone (what is printed again), and then both, consistently.
    const raised = JSON.parse(snapshot.report as string) as { cash: { counted: number; overShort: number } };
    raised.cash.counted += 10000;
    raised.cash.overShort += 10000;
    app.deps.sqlite.prepare('UPDATE shift_closes SET report = ? WHERE shift_id = ?').run(JSON.stringify(raised), shift.id);
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: false, problem: 'content', firstBroken: { seq } });
    app.deps.sqlite
      .prepare('UPDATE shift_closes SET counted_cash = counted_cash + 10000, over_short = over_short + 10000 WHERE shift_id = ?')
      .run(shift.id);
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: false, problem: 'content', firstBroken: { seq } });
    restore();

    // A cash movement deleted after the close changes the drawer's expected cash: caught too.
    app.deps.sqlite
      .prepare("INSERT INTO cash_movements (id, shift_id, kind, amount, reason, staff_id, at) VALUES ('x', ?, 'in', 10000, 'late', ?, 0)")
      .run(shift.id, (app.deps.sqlite.prepare('SELECT id FROM staff LIMIT 1').get() as { id: string }).id);
    expect(verifyStoreJournal(app.deps)).toMatchObject({ ok: false, problem: 'content', firstBroken: { seq } });
  });

  it('a chain recomputed with plain SHA-256 by someone without the key is reported', async () => {
    const { app, orders } = await shopWithSales();
    const cheaper = (row: JournalRow) => (row.seq === 2 ? row.payload.replace(/"total":\d+/, '"total":1') : row.payload);
    // Keeping the key marks: every hash is wrong for the key.
    recomputeWithoutKey(app, cheaper, false);
    expect(verifyJournal(app.deps)).toMatchObject({ ok: false, problem: 'hash', firstBroken: { seq: 1, refId: orders[0]!.id } });
    // Passing every entry off as a legacy (unkeyed) one: this till keys its journal from entry 1 on.
    recomputeWithoutKey(app, cheaper, true);
    const check = verifyJournal(app.deps);
    expect(check).toMatchObject({ ok: false, problem: 'unkeyed', firstBroken: { seq: 1 } });
    expect(describeReport('f.db', journalReport(app.deps)).join('\n')).toMatch(/recomputed with plain SHA-256/);
  });

  it('entries from before the key are legacy; keyed ones follow; an unkeyed entry after a keyed one is forged', async () => {
    const { app } = await shopWithSales();
    // As an upgraded till has them: the first entries unkeyed, the key made on the next sale.
    const rows = journalRows(app);
    let prev = GENESIS_HASH;
    const upd = app.deps.sqlite.prepare('UPDATE journal SET prev_hash = ?, hash = ?, key_id = ? WHERE seq = ?');
    const key = journalKey(app.deps.secrets, false)!;
    for (const r of rows) {
      const legacy = r.seq <= 2;
      const hash = legacy ? chainHash(prev, r.payload) : keyedHash(key.key, prev, r.payload);
      upd.run(prev, hash, legacy ? null : key.id, r.seq);
      prev = hash;
    }
    app.deps.secrets.set(JOURNAL_SECRETS.keyedFrom, '3');
    expect(verifyJournal(app.deps)).toMatchObject({ ok: true, legacy: 2, keyedFrom: 3 });
    expect(describeReport('f.db', journalReport(app.deps)).join('\n')).toMatch(
      /2 entries .* legacy \(unkeyed\)[\s\S]*keyed .* from entry #3/,
    );

    // On another machine (no key): links checked, hashes not: said so, not called intact.
    const elsewhere = { sqlite: app.deps.sqlite, secrets: memorySecretStore() };
    const there = verifyJournal(elsewhere);
    expect(there).toMatchObject({ ok: false, problem: 'nokey', legacy: 2, unverified: { from: 3, to: rows.length } });
    expect(describeReport('f.db', journalReport({ ...elsewhere, clock: () => 0 })).join('\n')).toMatch(
      /NOT VERIFIED: .*key this machine does not have/,
    );
  });

  it('deleting the newest entries after a sync is reported as truncation', async () => {
    const { app } = await shopWithSales();
    const rows = journalRows(app);
    const last = rows[rows.length - 1]!;
    // What the cloud answers a push with (see the sync tests for the round trip).
    noteCloudHead(app.deps.secrets, { seq: last.seq, hash: last.hash, at: 1 });
    expect(verifyJournal(app.deps)).toMatchObject({ ok: true, cloudHead: { seq: last.seq } });
    app.deps.sqlite.prepare('DELETE FROM journal WHERE seq >= ?').run(last.seq - 1);
    const check = verifyJournal(app.deps);
    expect(check).toMatchObject({ ok: false, problem: 'truncated', lastSeq: last.seq - 2, cloudHead: { seq: last.seq, hash: last.hash } });
    expect(describeReport('f.db', journalReport(app.deps)).join('\n')).toContain(
      `the cloud saw entry #${last.seq} with hash ${last.hash}; the file ends at #${last.seq - 2} < ${last.seq}: entries deleted`,
    );
  });

  it('a different entry under the number the cloud saw is reported as rewritten history', async () => {
    const { app, orders } = await shopWithSales();
    noteCloudHead(app.deps.secrets, { seq: 2, hash: 'f'.repeat(64), at: 1 });
    expect(verifyJournal(app.deps)).toMatchObject({ ok: false, problem: 'diverged', firstBroken: { seq: 2, refId: orders[1]!.id } });
  });
});
