import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createApp } from '../app';
import { startHost } from './server';
import { defaultDataDir, MIGRATIONS_DIR, RESOURCES_DIR, WEB_DIR } from './paths';

/** `npm run web -- --data DIR --port N`: the app without Electron, on loopback only. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      terminal: { type: 'string' },
      // Seconds from opening to the first background integrity check (default 60; then daily).
      'check-after': { type: 'string' },
      // Tests only: lets an end-to-end test make the database read-only while selling.
      'test-faults': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const checkAfter = values['check-after'] === undefined ? null : Number(values['check-after']);
  if (checkAfter !== null && !(checkAfter >= 0)) throw new Error(`--check-after must be a number of seconds, got ${values['check-after']}`);
  const dataDir = resolve(values.data ?? defaultDataDir());
  const opening = Date.now();
  const app = createApp({
    dataDir,
    migrationsDir: MIGRATIONS_DIR,
    resourcesDir: RESOURCES_DIR,
    ...(values.terminal ? { terminalCode: values.terminal } : {}),
    ...(checkAfter !== null ? { backgroundCheck: { firstAfterMs: checkAfter * 1000 } } : {}),
  });
  const testFaults = values['test-faults']
    ? (mode: 'readonly' | 'off') => app.deps.sqlite.pragma(`query_only = ${mode === 'readonly' ? 'ON' : 'OFF'}`)
    : undefined;
  if (testFaults) console.log('Test fault injection is ON (--test-faults): never use this for a real store.');
  const host = await startHost({
    router: app.router,
    webDir: WEB_DIR,
    port,
    ...(values.token ? { token: values.token } : {}),
    ...(testFaults ? { testFaults } : {}),
  });
  console.log(`Countertop data folder: ${dataDir}`);
  console.log(
    app.recovery
      ? `The database failed its check: waiting for a restore from a backup (${app.recovery.problem})`
      : `Database ${app.startupCheck === 'skipped' ? 'opened (closed cleanly last time: checked in the background)' : 'checked and opened'} in ${Date.now() - opening} ms`,
  );
  console.log(`Countertop is running. Open: ${host.url}`);
  const stop = () => {
    // The backup at shutdown, then close; a second signal quits at once.
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.once('SIGINT', () => process.exit(1));
    process.once('SIGTERM', () => process.exit(1));
    void host
      .close()
      .then(() => app.shutdown())
      .finally(() => {
        app.close();
        process.exit(0);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`Countertop could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
