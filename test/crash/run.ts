import { parseArgs } from 'node:util';
import { runCrashTest } from './crash';

/**
 * `npm run test:crash [-- --kills 20 --checkouts 10000 --seed N --keep]`: the full crash-safety run
 * (a shorter one runs inside `npm test`, test/integration/crash.test.ts). Replay a failure with its seed.
 */
const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    checkouts: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    'backup-every': { type: 'string', default: '400' },
    keep: { type: 'boolean', default: false },
    dir: { type: 'string' },
  },
  strict: true,
});
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
console.log(`seed ${seed} (replay with: npm run test:crash -- --seed ${seed} --kills ${values.kills} --checkouts ${values.checkouts})`);
runCrashTest({
  seed,
  kills: Number(values.kills),
  checkouts: Number(values.checkouts),
  backupEvery: Number(values['backup-every']),
  keep: values.keep,
  ...(values.dir ? { dir: values.dir } : {}),
})
  .then((r) => {
    console.log(
      `PASS: ${r.kills} kills (${r.killsMidRequest} mid-request), ${r.acknowledged} sales acknowledged and present, ` +
        `${r.retried} cut-off checkouts retried (${r.retriedFoundCommitted} had committed before the kill, none twice), ` +
        `${r.orders} orders, ${r.backups} backups whole; restart p50 ${r.restartMs.p50} ms, max ${r.restartMs.max} ms; ` +
        `${Math.round(r.durationMs / 1000)} s`,
    );
    console.log(JSON.stringify(r));
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    console.error(`FAILED with seed ${seed}`);
    process.exitCode = 1;
  });
