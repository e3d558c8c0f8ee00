import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createApp } from '../src/main/app';
import { defaultDataDir, MIGRATIONS_DIR, RESOURCES_DIR } from '../src/main/host/paths';
import { inTransaction } from '../src/main/db/open';
import { loadDemoCatalog } from '../src/main/setup/demo';
import { readSettings } from '../src/main/settings/settings';

/**
 * `npm run seed:demo -- --data DIR [--language zh-CN] [--currency CNY] [--pin 1234]`
 * A new data folder gets a demo store (admin "Admin"); an existing store without products gets the
 * demo catalog added.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      language: { type: 'string', default: 'en' },
      currency: { type: 'string', default: 'USD' },
      pin: { type: 'string', default: '1234' },
    },
  });
  const language = values.language === 'zh-CN' ? 'zh-CN' : 'en';
  const dataDir = resolve(values.data ?? defaultDataDir());
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, resourcesDir: RESOURCES_DIR });
  try {
    const status = await app.router.call('app.status', {}, 'seed');
    if (status.ok && !(status.value as { setupDone: boolean }).setupDone) {
      const res = await app.router.call(
        'setup.run',
        {
          storeName: language === 'zh-CN' ? '示范便利店' : 'Demo Corner Shop',
          currency: values.currency,
          priceMode: 'inclusive',
          timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
          language,
          taxRates:
            language === 'zh-CN'
              ? [
                  { name: '增值税 13%', rateBp: 1300, isDefault: true },
                  { name: '增值税 9%', rateBp: 900, isDefault: false },
                ]
              : [
                  { name: 'Standard 20%', rateBp: 2000, isDefault: true },
                  { name: 'Reduced 5%', rateBp: 500, isDefault: false },
                ],
          admin: { name: 'Admin', pin: values.pin },
          demoData: true,
        },
        'seed',
      );
      if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message} ${JSON.stringify(res.error.details ?? '')}`);
      console.log(`Created a demo store in ${dataDir}. Sign in as "Admin" with PIN ${values.pin}.`);
      return;
    }
    const count = (app.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM products').get() as { n: number }).n;
    if (count > 0) {
      console.log(`The store in ${dataDir} already has ${count} products; nothing to do.`);
      return;
    }
    const added = inTransaction(app.deps.sqlite, () => loadDemoCatalog(app.deps, readSettings(app.deps).language, null));
    console.log(`Added ${added} demo products to the store in ${dataDir}.`);
  } finally {
    app.close();
  }
}

main().catch((err: unknown) => {
  console.error(`seed:demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
