import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createApp } from '../src/main/app';
import { defaultDataDir, MIGRATIONS_DIR, RESOURCES_DIR } from '../src/main/host/paths';
import { seedHistory } from '../src/main/setup/history';

/**
 * `npm run seed:history -- --data DIR [--orders 3000] [--days 120]`
 * Adds a sales history to a store that has products (e.g. after `npm run seed:demo`), so the
 * dashboard has something to show. Orders come from terminal "H1" and end now.
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      orders: { type: 'string', default: '3000' },
      days: { type: 'string', default: '120' },
      seed: { type: 'string', default: '7' },
    },
  });
  const dataDir = resolve(values.data ?? defaultDataDir());
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, resourcesDir: RESOURCES_DIR });
  try {
    // A few past colleagues (inactive: they cannot sign in) so sales per staff member has some spread.
    const hlc = app.deps.hlc.now();
    for (const name of ['Ana', 'Ben', 'Chen Wei']) {
      const exists = app.deps.sqlite.prepare('SELECT 1 FROM staff WHERE name = ?').get(name);
      if (!exists)
        app.deps.sqlite
          .prepare(
            "INSERT INTO staff (id, name, role, pin_hash, failed_attempts, locked_until, active, created_at, hlc) VALUES (?, ?, 'clerk', 'disabled', 0, NULL, 0, ?, ?)",
          )
          .run(app.deps.ids(), name, Date.now(), hlc);
    }
    const r = seedHistory(app.deps, {
      orders: Number(values.orders),
      avgLines: 3,
      days: Number(values.days),
      endAt: Date.now() - 60_000,
      seed: Number(values.seed),
      log: (m) => console.log(m),
    });
    console.log(`Added ${r.orders} orders (${r.lines} lines) to ${dataDir} in ${((r.insertMs + r.rollupMs) / 1000).toFixed(1)} s.`);
  } finally {
    app.close();
  }
}

main();
