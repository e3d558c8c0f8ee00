/**
 * The sync simulator in CI: a fixed set of seeds (quick), plus a replay of any seed given in
 * SIM_SEED. The long soak is `npm run sim:soak`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCloudStore, type CloudStore } from '../../src/cloud/db/open';
import { runSim, SIM_DEFAULTS } from './sim';

const CI_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const replay = process.env.SIM_SEED ? Number(process.env.SIM_SEED) : null;
const seeds = replay !== null ? [replay] : CI_SEEDS;
const ops = process.env.SIM_OPS ? Number(process.env.SIM_OPS) : SIM_DEFAULTS.ops;
const stores = process.env.SIM_STORES ? process.env.SIM_STORES.split(',').map(Number) : SIM_DEFAULTS.stores;

let cloud: CloudStore;
beforeAll(async () => {
  // One embedded database for every seed: each run is its own organisation.
  cloud = await openCloudStore({ dataDir: null });
});
afterAll(async () => {
  await cloud?.close();
});

describe('sync under a hostile network, crashes and clock skew', () => {
  it.each(seeds)(
    'seed %i converges: orders once everywhere, stock = initial + movements, outboxes empty, catalogs identical',
    async (seed) => {
      const report = await runSim({ seed, ops, stores, cloud, log: (l) => console.info(l) });
      expect(report.orders).toBeGreaterThan(0);
      expect(report.droppedRequests + report.droppedAnswers + report.duplicates).toBeGreaterThan(0);
    },
    120_000,
  );

  it.each([11, 12, 13])(
    'seed %i coupons: no double use while online and synced; every double use found and attributed; offline caps hold',
    async (seed) => {
      const report = await runSim({
        seed,
        ops: 40,
        stores: [2, 1],
        cloud,
        coupons: { rounds: 3, offlineCap: 2 },
        log: (l) => console.info(l),
      });
      const c = report.coupons!;
      expect(c.redemptions).toBeGreaterThan(0);
      expect(c.offlineRedemptions).toBeGreaterThan(0);
      expect(c.refusedUsed + c.refusedCap).toBeGreaterThan(0);
      expect(c.doubleUses).toBeLessThanOrEqual(c.offlineRedemptions);
    },
    180_000,
  );

  it('a seed replays exactly', async () => {
    const a = await runSim({ seed: 42, ops: 40, stores: [2, 1], cloud, cloudSalt: 'a' });
    const b = await runSim({ seed: 42, ops: 40, stores: [2, 1], cloud, cloudSalt: 'b' });
    expect(b.digest).toBe(a.digest);
    expect(b).toMatchObject({ orders: a.orders, requests: a.requests, crashes: a.crashes, duplicates: a.duplicates });
  }, 120_000);
});
