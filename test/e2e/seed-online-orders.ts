/**
 * Prepares a data folder for the online orders end-to-end test, through the same router the host
 * uses: a demo store (admin "Admin" 1234, clerk "Carl" 3333), then a page pulled from the cloud as
 * the online shop writes it: a paid order to ship (2 waters), one to pick up (1 cola, code 482913),
 * and 3 colas held by an unpaid web order.
 * With zh-CN the store is Chinese and has only 1 water left, so the ship order is short of stock.
 * Run: node --import tsx test/e2e/seed-online-orders.ts DIR [zh-CN]  → prints JSON with what it made.
 */
import { createApp } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import { cloudStamp, onlineOrder, reservation, shopStaffChange, pulledPage } from '../support/online-orders';

const dir = process.argv[2];
if (!dir) throw new Error('usage: seed-online-orders.ts DIR [zh-CN]');
const zh = process.argv[3] === 'zh-CN';
const app = createApp({ dataDir: dir, migrationsDir: MIGRATIONS_DIR, resourcesDir: RESOURCES_DIR });

async function call<T>(channel: string, input: unknown, session = 'seed'): Promise<T> {
  const r = await app.router.call(channel, input, session);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

const product = (barcode: string) =>
  app.deps.sqlite
    .prepare('SELECT p.id AS productId, p.sku, p.name, p.price FROM products p JOIN barcodes b ON b.product_id = p.id WHERE b.code = ?')
    .get(barcode) as { productId: string; sku: string; name: string; price: number };

async function main() {
  await call('setup.run', {
    storeName: zh ? '街角超市' : 'Corner Market',
    currency: zh ? 'CNY' : 'USD',
    priceMode: 'inclusive',
    timezone: 'UTC',
    language: zh ? 'zh-CN' : 'en',
    taxRates: [{ name: 'Standard', rateBp: 2000, isDefault: true }],
    admin: { name: 'Admin', pin: '1234' },
    demoData: true,
  });
  const staff = await call<{ id: string; name: string }[]>('staff.list', {});
  await call('staff.signIn', { staffId: staff.find((s) => s.name === 'Admin')!.id, pin: '1234' });
  await call('staff.create', { name: 'Carl', role: 'clerk', pin: '3333' });
  const water = product('6954321000017');
  const cola = product('6954321000048');
  const [location] = await call<{ id: string }[]>('stock.locations', {});
  await call('stock.adjust', {
    productId: water.productId,
    locationId: location!.id,
    mode: 'set',
    qty: zh ? 1000 : 20_000,
    reason: 'correction',
  });
  await call('stock.adjust', { productId: cola.productId, locationId: location!.id, mode: 'set', qty: 20_000, reason: 'correction' });

  const now = Date.now();
  const ship = onlineOrder({
    lines: [{ ...water, qty: 2000 }],
    fulfilment: 'ship',
    shopNumber: 'W-000101',
    at: now - 120_000,
    contactName: zh ? '李雷' : 'Jane Buyer',
    currency: zh ? 'CNY' : 'USD',
  });
  const pickup = onlineOrder({
    lines: [{ ...cola, qty: 1000 }],
    fulfilment: 'pickup',
    shopNumber: 'W-000102',
    at: now - 60_000,
    contactName: zh ? '韩梅梅' : 'Li Wei',
    code: '482913',
    currency: zh ? 'CNY' : 'USD',
  });
  // An unpaid web order holds 3 colas for half an hour.
  const held = reservation(cola.productId, 3000, now + 1_800_000, cloudStamp(now - 300_000));
  const stats = pulledPage(app, [shopStaffChange(cloudStamp(now - 300_000)), ...ship.changes, ...pickup.changes, held]);
  if (stats.refused > 0) throw new Error(`the pulled page was refused: ${stats.refused}`);
  process.stdout.write(JSON.stringify({ ship: ship.id, pickup: pickup.id, water, cola }) + '\n');
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => app.close());
