// `npm start` / `npm run dev` where the Electron runtime is absent: a clear message, exit code 1.
// ELECTRON_OVERRIDE_DIST_PATH (honoured by the electron package) points at an empty folder, so the
// runtime is missing on any machine, and Electron is never launched by this test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const empty = mkdtempSync(join(tmpdir(), 'ct-no-electron-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('scripts/start.mjs without the Electron runtime', () => {
  it.each([[[]], [['--dev']]])('args %j: explains, points to npm run web, exits 1', (args) => {
    const run = spawnSync(process.execPath, [join(root, 'scripts/start.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the Electron runtime is not installed on this machine');
    expect(run.stderr).toContain('npm run web');
    expect(run.stderr).toMatch(/electron\/install\.js/);
  });
});
