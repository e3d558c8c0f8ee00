/**
 * Prepares a data folder for the after-sale end-to-end tests, through the same router the host
 * uses: a demo store (admin "Admin" 1234), a clerk, a manager, a customer and an earlier sale.
 * Run: node --import tsx test/e2e/seed-aftersale.ts DIR [zh-CN]  → prints JSON with what it made
 * (zh-CN: a Chinese store, whose products' main names are Chinese and alternate names English).
 */
import { createApp } from '../../src/main/app';
import { MIGRATIONS_DIR, RESOURCES_DIR } from '../../src/main/host/paths';
import { uuidv7 } from '../../src/shared/ids';

const dir = process.argv[2];
if (!dir) throw new Error('usage: seed-aftersale.ts DIR [zh-CN]');
const zh = process.argv[3] === 'zh-CN';
const app = createApp({ dataDir: dir, migrationsDir: MIGRATIONS_DIR, resourcesDir: RESOURCES_DIR });

async function call<T>(channel: string, input: unknown, session = 'seed'): Promise<T> {
  const r = await app.router.call(channel, input, session);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

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
  await call('staff.create', { name: 'Mona', role: 'manager', pin: '2222' });
  // Selling needs an open cash-drawer shift on this till (a $100 float).
  await call('shifts.open', { counts: [{ value: 2000, pieces: 5 }] });
  const jane = await call<{ id: string }>('customers.create', { name: 'Jane Doe', phone: '+1 415 555 0100', email: 'jane@example.com' });
  // An earlier sale: one water, two colas, paid cash.
  await call('cart.scan', { code: '6954321000017' });
  await call('cart.scan', { code: '6954321000048' });
  const cart = await call<{ id: string; priced: { total: number } }>('cart.scan', { code: '6954321000048' });
  const order = await call<{ id: string; number: string; total: number }>('sales.complete', {
    cartId: cart.id,
    checkoutId: uuidv7(),
    tenders: [{ kind: 'cash', amount: cart.priced.total }],
  });
  process.stdout.write(JSON.stringify({ order, janeId: jane.id }) + '\n');
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => app.close());
