/**
 * The embedded cloud database keeps its planner statistics (it has no autovacuum): once a push
 * has grown `records`, a pull page walks the change-log index instead of reading the whole
 * organisation and sorting it.
 */
import { describe, expect, it } from 'vitest';
import { openCloudStore, rowsOf, sql } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { readPull } from '../../src/cloud/pull';
import { reserveSeqs, upsertRecords, type RecordRow } from '../../src/cloud/records';
import { createOrg } from '../../src/cloud/tenancy';
import { uuidv7 } from '../../src/shared/ids';

describe('planner statistics of the embedded database', () => {
  it('are refreshed after big pushes, and a pull page then reads the change-log index', async () => {
    const store = await openCloudStore({ dataDir: null });
    try {
      const deps = cloudDeps(store.db, { noteWrites: store.noteWrites });
      const org = await createOrg(deps, { orgName: 'Stats', storeName: 'Shop', terminalName: 'Till', terminalCode: 'T1' });
      const n = 12_000;
      const rows: RecordRow[] = Array.from({ length: n }, (_, k) => {
        const id = uuidv7();
        return {
          entity: 'product',
          storeId: '',
          entityId: id,
          kind: 'mutable',
          body: JSON.stringify({ e: 'product', i: id, d: { sku: `S-${k}`, name: `Item ${k}` }, c: '1795352492042-0000-T1' }),
          uniq: [`sku=S-${k}`],
          refId: null,
          qty: null,
          amount: null,
          at: null,
          seq: 0,
        };
      });
      await store.db.transaction(async (tx) => {
        const first = await reserveSeqs(tx, org.org.id, n);
        rows.forEach((r, k) => (r.seq = first + k));
        await upsertRecords(tx, org.org.id, org.device.id, 0, rows);
      });
      const plan = async () =>
        (
          await rowsOf<Record<string, string>>(
            store.db,
            sql`EXPLAIN SELECT seq, body FROM records WHERE org_id = ${org.org.id} AND seq > 0
                AND (store_id = '' OR store_id = ${org.store.id}) ORDER BY seq LIMIT 1000`,
          )
        )
          .map((r) => Object.values(r)[0])
          .join('\n');
      const before = await plan();
      store.noteWrites(n);
      // The refresh runs between requests: the next query waits for it.
      const page = JSON.parse(await readPull(deps, { ...org.device, orgId: org.org.id, storeId: org.store.id } as never, 0, 1000)) as {
        changes: unknown[];
      };
      expect(page.changes).toHaveLength(1000);
      const after = await plan();
      expect(before).not.toContain('records_seq_idx');
      expect(after).toContain('Index Scan using records_seq_idx');
    } finally {
      await store.close();
    }
  });
});
