/**
 * The cloud's migrations on a database an older build left behind (PGlite in a folder): each
 * applies on top of the previous ones and carries the data over.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOUD_MIGRATIONS_DIR, openCloudStore, rowsOf, sql } from '../../src/cloud/db/open';
import { uniqueHolders } from '../../src/cloud/records';
import { recordJournalHead } from '../../src/cloud/journal-heads';
import { uuidv7 } from '../../src/shared/ids';

interface JournalEntry {
  tag: string;
}
const journal = JSON.parse(readFileSync(join(CLOUD_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };

const tmp: string[] = [];
const tmpDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'countertop-cloud-mig-'));
  tmp.push(d);
  return d;
};
afterEach(() => {
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A migrations folder holding only the first `n` migrations, as an older build shipped them. */
function firstMigrations(n: number): string {
  const dir = tmpDir();
  mkdirSync(join(dir, 'meta'));
  const entries = journal.entries.slice(0, n);
  for (const e of entries) copyFileSync(join(CLOUD_MIGRATIONS_DIR, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

describe('cloud migrations', () => {
  it('0001 gives every unique value a record already holds a claim in record_uniques', async () => {
    const dataDir = tmpDir();
    const old = new PGlite(dataDir);
    await old.waitReady;
    await migrate(drizzle(old), { migrationsFolder: firstMigrations(1) });
    const [orgA, orgB, p1, p2] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    await old.query('INSERT INTO orgs (id, name, created_at) VALUES ($1, $3, 0), ($2, $3, 0)', [orgA, orgB, 'Org']);
    const insert = `INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, uniq, seq, updated_at)
                    VALUES ($1, 'product', '', $2, 'mutable', '{}', $3, 1, 0)`;
    await old.query(insert, [orgA, p1, ['sku=A', 'barcodes=100']]);
    await old.query(insert, [orgB, p2, ['sku=A']]);
    await old.query(
      `INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, seq, updated_at)
                     VALUES ($1, 'stock_movement', '', 'm1', 'ledger', '{}', 2, 0)`,
      [orgA],
    );
    await old.close();

    const store = await openCloudStore({ dataDir });
    try {
      expect(await uniqueHolders(store.db, orgA, 'product', ['sku=A', 'barcodes=100', 'barcodes=999'])).toEqual(
        new Map([
          ['sku=A', p1],
          ['barcodes=100', p1],
        ]),
      );
      expect(await uniqueHolders(store.db, orgB, 'product', ['sku=A', 'barcodes=100'])).toEqual(new Map([['sku=A', p2]]));
      const n = await rowsOf<{ n: number }>(store.db, sql`SELECT COUNT(*)::int AS n FROM record_uniques`);
      expect(n[0]!.n).toBe(3);
    } finally {
      await store.close();
    }
  });

  it("0002 drops the ref_id index; a store's stock still sums from its movements (a primary-key range)", async () => {
    const dataDir = tmpDir();
    const old = new PGlite(dataDir);
    await old.waitReady;
    await migrate(drizzle(old), { migrationsFolder: firstMigrations(2) });
    const org = uuidv7();
    await old.query('INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, 0)', [org, 'Org']);
    const move = `INSERT INTO records (org_id, entity, store_id, entity_id, kind, body, ref_id, qty, seq, updated_at)
                  VALUES ($1, 'stock_movement', $2, $3, 'ledger', '{}', $4, $5, $6, 0)`;
    await old.query(move, [org, 's1', 'm1', 'p1', 5, 1]);
    await old.query(move, [org, 's1', 'm2', 'p1', -2, 2]);
    await old.query(move, [org, 's2', 'm3', 'p1', 7, 3]);
    await old.close();

    const store = await openCloudStore({ dataDir });
    try {
      const idx = await rowsOf<{ name: string }>(store.db, sql`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'records'`);
      // No ref_id index; the one index added since (0014) is partial, on customers' emails only.
      expect(idx.map((i) => i.name).sort()).toEqual(['records_customer_email_idx', 'records_pk', 'records_seq_idx']);
      const levels = await rowsOf<{ ref_id: string; q: string | number }>(
        store.db,
        sql`SELECT ref_id, SUM(qty) AS q FROM records WHERE org_id = ${org} AND entity = 'stock_movement' AND store_id = 's1' GROUP BY ref_id`,
      );
      expect(levels.map((l) => [l.ref_id, Number(l.q)])).toEqual([['p1', 3]]);
    } finally {
      await store.close();
    }
  });

  it('0003 adds journal_heads: existing devices start without a head, and a push records one that never goes down', async () => {
    const dataDir = tmpDir();
    const old = new PGlite(dataDir);
    await old.waitReady;
    await migrate(drizzle(old), { migrationsFolder: firstMigrations(3) });
    const [org, store, device] = [uuidv7(), uuidv7(), uuidv7()];
    await old.query('INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, 0)', [org, 'Org']);
    await old.query('INSERT INTO stores (id, org_id, name, created_at) VALUES ($1, $2, $3, 0)', [store, org, 'Shop']);
    await old.query(
      `INSERT INTO devices (id, org_id, store_id, name, terminal_code, token_hash, created_at) VALUES ($1, $2, $3, 'Till', 'T1', 'x', 0)`,
      [device, org, store],
    );
    await old.close();

    const opened = await openCloudStore({ dataDir });
    try {
      const deps = { db: opened.db, clock: () => 5, ids: () => uuidv7() };
      const dev = { id: device, orgId: org, storeId: store, terminalCode: 'T1' };
      expect(await recordJournalHead(deps, dev, undefined)).toBeNull();
      expect(await recordJournalHead(deps, dev, { seq: 7, hash: 'b'.repeat(64) })).toEqual({ seq: 7, hash: 'b'.repeat(64), at: 5 });
      // A head behind what was seen does not lower it, and is noted once for a manager.
      expect(await recordJournalHead(deps, dev, { seq: 2, hash: 'c'.repeat(64) })).toMatchObject({ seq: 7 });
      expect(await recordJournalHead(deps, dev, { seq: 3, hash: 'd'.repeat(64) })).toMatchObject({ seq: 7 });
      const noted = await rowsOf<{ code: string; message: string }>(opened.db, sql`SELECT code, message FROM rejections`);
      expect(noted).toHaveLength(1);
      expect(noted[0]).toMatchObject({ code: 'JOURNAL_BEHIND' });
      expect(noted[0]!.message).toMatch(/T1's journal now ends at entry 2, but the cloud saw entry 7/);
    } finally {
      await opened.close();
    }
  });
});
