import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The tests drive the built host (out/host/cli.mjs), as `npm run web` does: built once per run, from the current sources. */
export default function globalSetup(): void {
  const res = spawnSync(process.execPath, [join(process.cwd(), 'scripts', 'build-host.mjs')], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('building the host (scripts/build-host.mjs) failed');
}
