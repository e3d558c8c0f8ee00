/**
 * The short crash-safety run inside `npm test`: the real host as a child process, SIGKILLed 3 times
 * at random moments across 150 checkouts, checked after every kill (see test/crash/crash.ts).
 * The full run is `npm run test:crash` (20 kills, 10,000 checkouts). CRASH_SEED replays a seed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCrashTest } from '../crash/crash';
import { killAllHosts } from '../crash/host-process';

const seed = process.env['CRASH_SEED'] ? Number(process.env['CRASH_SEED']) : Math.floor(Math.random() * 2 ** 31);

// If the test times out, its hosts must not outlive it.
afterAll(() => killAllHosts());

describe('crash safety (short run)', () => {
  it(`SIGKILL at random moments loses no acknowledged sale and half-writes none (seed ${seed})`, async () => {
    const lines: string[] = [];
    const report = await runCrashTest({ seed, kills: 3, checkouts: 150, backupEvery: 50, log: (l) => lines.push(l) });
    console.log(lines.join('\n'), '\n', JSON.stringify(report));
    expect(report.kills).toBe(3);
    // A life ends at a random moment after its share of sales, so the run may sell a few more than asked.
    expect(report.acknowledged).toBeGreaterThanOrEqual(150);
    // Every sale in the store was acknowledged to the clerk, and every acknowledged one is there.
    expect(report.orders).toBe(report.acknowledged);
    // ~25 s on an idle 2-core machine; much more when it is shared.
  }, 300_000);
});
