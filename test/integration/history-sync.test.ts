/**
 * Imported sales through the cloud: they travel once as ordinary order facts, the other till
 * counts them in its dashboard once, and importing the same file there adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app';
import { ok, testClock } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { enrolmentCode, firstTerminal, joinTerminal, signIn, syncAll, terminal, type Terminal } from '../support/sync';

let cloud: TestCloud;
const open: Terminal[] = [];
const track = (t: Terminal) => (open.push(t), t);

beforeAll(async () => {
  cloud = await startTestCloud();
}, 240_000);
afterAll(async () => {
  for (const t of open) t.close();
  await cloud.close();
});

const FILE = [
  'order_id,date,customer_email,sku,name,qty,unit_price,payments',
  'A1,2025-03-05 14:00,dana@example.com,COLA,,2,1.50,cash',
  'A1,2025-03-05 14:00,dana@example.com,BREAD,,1,3.25,cash',
  'A2,2025-03-09 10:00,dana@example.com,,Oat latte,1,4.50,card',
].join('\n');

async function importSales(t: App, csv: string) {
  const { importId } = await ok(t, 'imports.begin', { kind: 'sales' }, 's1');
  await ok(t, 'imports.chunk', { importId, seq: 0, text: csv }, 's1');
  const preview = await ok(t, 'history.preview', { importId }, 's1');
  const result = await ok(t, 'history.commit', { importId, onlyValid: false }, 's1');
  return { preview, result };
}

const summary = (t: App) => ok(t, 'insight.summary', { from: '2025-03-01', to: '2025-03-31' }, 's1');

describe('history import and sync', () => {
  it('imported sales reach the other till once, count once in its dashboard, and the same file there adds nothing', async () => {
    const clock1 = testClock();
    const t1 = track(terminal(cloud.transport, { clock: clock1 }));
    const first = await firstTerminal(t1, cloud.url);
    const code = await enrolmentCode(t1);
    const t2 = track(terminal(cloud.transport, { clock: testClock(clock1.now + 5) }));
    await joinTerminal(t2, cloud.url, code.code);
    await signIn(t2, first.adminId);

    const { result } = await importSales(t1, FILE);
    expect(result).toMatchObject({ created: 2, newProducts: 1, customersCreated: 1 });
    await syncAll([t1, t2]);
    await syncAll([t1, t2]);

    const imported = (t: App) =>
      t.deps.sqlite.prepare("SELECT id, number, total FROM orders WHERE source = 'countertop' ORDER BY id").all();
    expect(imported(t2)).toEqual(imported(t1));
    expect(imported(t2)).toHaveLength(2);
    expect((await summary(t2)).current).toMatchObject({ orders: 2, sales: 1075 });
    expect((await summary(t2)).current).toEqual((await summary(t1)).current);
    // The customer came along, with both orders: a repeat customer on either till.
    expect((await ok(t2, 'insight.customers', {}, 's1')).repeatCustomers).toBe(1);

    const again = await importSales(t2, FILE);
    expect(again.preview).toMatchObject({ valid: 0, matches: 2 });
    expect(again.result).toMatchObject({ created: 0, skipped: 2 });
    await syncAll([t1, t2]);
    expect((await summary(t1)).current.orders).toBe(2);
    expect((await summary(t2)).current.orders).toBe(2);
  }, 240_000);
});
