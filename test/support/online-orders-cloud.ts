/** Online orders written into a test cloud's records as the shop will write them, for real tills to pull. */
import { sql } from 'drizzle-orm';
import type { Change } from '../../src/shared/sync/protocol';
import { insertFacts, mutableBody, reserveSeqs, upsertRecords, type RecordRow } from '../../src/cloud/records';
import { rowsOf } from '../../src/cloud/db/open';
import type { TestCloud } from './cloud';

/** Stores the changes in a test cloud as the shop will: facts once each, mutable records merged, in the change log of the store. */
export async function writeToCloud(cloud: TestCloud, storeId: string, changes: Change[]): Promise<void> {
  const now = cloud.deps.clock();
  await cloud.deps.db.transaction(async (tx) => {
    const [store] = await rowsOf<{ org_id: string }>(tx, sql`SELECT org_id FROM stores WHERE id = ${storeId}`);
    const orgId = store!.org_id;
    let seq = await reserveSeqs(tx, orgId, changes.length);
    for (const ch of changes) {
      const scopeStore = ch.e === 'staff' ? '' : storeId;
      const row: RecordRow = {
        entity: ch.e,
        storeId: scopeStore,
        entityId: ch.i,
        kind: 'c' in ch ? 'mutable' : 'append-only',
        body:
          'c' in ch
            ? mutableBody(ch.e, ch.i, { d: ch.d, c: Object.fromEntries(Object.keys(ch.d).map((k) => [k, ch.c as string])) })
            : JSON.stringify(ch),
        uniq: null,
        refId: null,
        qty: null,
        amount: null,
        at: null,
        seq: seq++,
      };
      if ('c' in ch) await upsertRecords(tx, orgId, null, now, [row]);
      else await insertFacts(tx, orgId, null, now, [row]);
    }
  });
}
