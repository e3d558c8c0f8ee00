/**
 * The short crash-safety run inside `npm test`: the real host as a child process, SIGKILLed 3 times
 * at random moments across 200 checkouts, checked after every kill (see test/crash/crash.ts).
 * The full run is `npm run test:crash` (20 kills, 10,000 checkouts). CRASH_SEED replays a seed.
 */
import { describe, expect, it } from 'vitest';
import { runCrashTest } from '../crash/crash';

const seed = process.env['CRASH_SEED'] ? Number(process.env['CRASH_SEED']) : Math.floor(Math.random() * 2 ** 31);

describe('crash safety (short run)', () => {
  it(`SIGKILL at random moments loses no acknowledged sale and half-writes none (seed ${seed})`, async () => {
    const lines: string[] = [];
    const report = await runCrashTest({ seed, kills: 3, checkouts: 200, backupEvery: 60, log: (l) => lines.push(l) });
    console.log(lines.join('\n'), '\n', JSON.stringify(report));
    expect(report.kills).toBe(3);
    expect(report.acknowledged).toBe(200);
    expect(report.orders).toBe(200);
  }, 120_000);
});
