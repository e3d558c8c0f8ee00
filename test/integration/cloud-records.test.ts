/**
 * Writing records in bulk: rows the caller believes new go in without a conflict check, and
 * still land right when one was there after all.
 */
import { describe, expect, it } from 'vitest';
import { openCloudStore, rowsOf, sql } from '../../src/cloud/db/open';
import { cloudDeps } from '../../src/cloud/deps';
import { reserveSeqs, uniqueHolders, upsertRecords, type RecordRow } from '../../src/cloud/records';
import { createOrg } from '../../src/cloud/tenancy';
import { uuidv7 } from '../../src/shared/ids';
import { backends, DATABASE_URL, type Backend } from '../support/cloud';

const product = (id: string, sku: string, name: string, extra: Partial<RecordRow> = {}): RecordRow => ({
  entity: 'product',
  storeId: '',
  entityId: id,
  kind: 'mutable',
  body: JSON.stringify({ e: 'product', i: id, d: { sku, name }, c: '1795352492042-0000-T1' }),
  uniq: [`sku=${sku}`],
  refId: null,
  qty: null,
  amount: null,
  at: null,
  seq: 0,
  ...extra,
});

describe.each(backends())('upsertRecords on %s', (backend: Backend) => {
  it('rows believed new, and claims believed free, that exist after all fall back to the checked write', async () => {
    const store = await openCloudStore(backend === 'postgres' ? { databaseUrl: DATABASE_URL } : { dataDir: null });
    try {
      const org = await createOrg(cloudDeps(store.db), {
        orgName: `Org ${uuidv7()}`,
        storeName: 'Shop',
        terminalName: 'Till',
        terminalCode: 'T1',
      });
      const orgId = org.org.id;
      const write = (rows: RecordRow[], unclaimed?: () => boolean) =>
        store.db.transaction(async (tx) => {
          const first = await reserveSeqs(tx, orgId, rows.length);
          rows.forEach((r, k) => (r.seq = first + k));
          await upsertRecords(tx, orgId, null, 0, rows, unclaimed ? { unclaimed } : {});
        });
      const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
      await write([product(a, 'A-1', 'Apple'), product(b, 'B-1', 'Bread')], () => true);
      // `a` is written again as if new (a wrong belief), with a new name; `b` moves from B-1 to B-2;
      // `c`, new, claims A-1 as if nobody held it (another wrong belief): the checked write moves it.
      await write(
        [
          product(a, 'A-1', 'Apple juice', { absent: true, prevUniq: null }),
          product(b, 'B-2', 'Bread', { prevUniq: ['sku=B-1'], uniq: ['sku=B-2'] }),
          product(c, 'A-1', 'Bagel', { absent: true }),
        ],
        () => true,
      );
      const rows = await rowsOf<{ entity_id: string; body: string }>(
        store.db,
        sql`SELECT entity_id, body FROM records WHERE org_id = ${orgId} AND entity = 'product'`,
      );
      const names = new Map(rows.map((r) => [r.entity_id, (JSON.parse(r.body) as { d: { name: string } }).d.name]));
      expect(names).toEqual(
        new Map([
          [a, 'Apple juice'],
          [b, 'Bread'],
          [c, 'Bagel'],
        ]),
      );
      expect(await uniqueHolders(store.db, orgId, 'product', ['sku=A-1', 'sku=B-1', 'sku=B-2'])).toEqual(
        new Map([
          ['sku=A-1', c],
          ['sku=B-2', b],
        ]),
      );
    } finally {
      await store.close();
    }
  });
});
