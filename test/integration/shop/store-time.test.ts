import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/cloud/db/open';
import { storeFacts } from '../../../src/cloud/shop/catalog/queries';
import { startTestCloud, TEST_SIGNUP_SECRET, type TestCloud } from '../../support/cloud';

let cloud: TestCloud;
let orgId: string;
let storeId: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  const res = await cloud.app.fetch(
    new Request(`${cloud.url}/v1/orgs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signup-secret': TEST_SIGNUP_SECRET },
      body: JSON.stringify({ orgName: 'Time Org', storeName: 'Shanghai Store', terminalName: 'Till', terminalCode: 'T1' }),
    }),
  );
  const body = (await res.json()) as { org: { id: string }; store: { id: string } };
  orgId = body.org.id;
  storeId = body.store.id;
});
afterAll(() => cloud.close());

const setZone = (value: string) =>
  cloud.deps.db.execute(sql`
    INSERT INTO shop_store_settings (org_id, store_id, key, value) VALUES (${orgId}, ${storeId}, 'timezone', ${JSON.stringify(value)})
    ON CONFLICT (org_id, store_id, key) DO UPDATE SET value = excluded.value`);

describe('the time a buyer reads', () => {
  it('is the store’s own time zone, as its tills keep it', async () => {
    expect((await storeFacts(cloud.deps.db, orgId, storeId)).timeZone).toBe('UTC');
    await setZone('Asia/Shanghai');
    expect((await storeFacts(cloud.deps.db, orgId, storeId)).timeZone).toBe('Asia/Shanghai');
  });

  it('a zone no clock knows falls back to UTC rather than failing the page', async () => {
    await setZone('Mars/Olympus_Mons');
    expect((await storeFacts(cloud.deps.db, orgId, storeId)).timeZone).toBe('UTC');
  });
});
