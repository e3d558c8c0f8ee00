/**
 * `npm run sim:soak -- [--seeds N] [--from S] [--ops N] [--stores 2,1] [--postgres] [--keep-going]`:
 * many seeds of the sync simulator, longer runs. Prints each seed's summary; a failure prints its
 * seed and how to replay it, and the exit code is 1.
 */
import { parseArgs } from 'node:util';
import { openCloudStore } from '../../src/cloud/db/open';
import { runSim, SimFailure } from './sim';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '200' },
      from: { type: 'string', default: '1000' },
      ops: { type: 'string', default: '300' },
      stores: { type: 'string', default: '2,1' },
      postgres: { type: 'boolean', default: false },
      'keep-going': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const seeds = Number(values.seeds);
  const from = Number(values.from);
  const ops = Number(values.ops);
  const stores = values.stores.split(',').map(Number);
  if (values.postgres && !process.env.DATABASE_URL) throw new Error('--postgres needs DATABASE_URL');
  const cloud = await openCloudStore(values.postgres ? { databaseUrl: process.env.DATABASE_URL } : { dataDir: null });
  console.log(`sync soak: ${seeds} seeds from ${from}, ${ops} operations each, stores ${stores.join('+')}, cloud on ${cloud.kind}`);
  const failed: number[] = [];
  const t0 = Date.now();
  try {
    for (let seed = from; seed < from + seeds; seed++) {
      try {
        await runSim({ seed, ops, stores, cloud, log: (l) => console.log(l) });
      } catch (err) {
        failed.push(seed);
        console.error(err instanceof SimFailure ? err.message : `seed ${seed}: ${err instanceof Error ? err.stack : String(err)}`);
        if (!values['keep-going']) break;
      }
    }
  } finally {
    await cloud.close();
  }
  const secs = Math.round((Date.now() - t0) / 1000);
  if (failed.length) {
    console.error(`FAILED seeds: ${failed.join(', ')} (${secs}s). Replay one: SIM_SEED=${failed[0]} npx vitest run test/sim`);
    process.exit(1);
  }
  console.log(`all ${seeds} seeds converged (${secs}s)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
