import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this module holding package.json (src/main/host
 * when running from source under tsx, out/host when running the built host).
 */
function repoRoot(from: string): string {
  for (let dir = from; ;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from, '..', '..', '..');
    dir = up;
  }
}

export const REPO_ROOT = repoRoot(dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = join(REPO_ROOT, 'src', 'main', 'db', 'migrations');
export const RESOURCES_DIR = join(REPO_ROOT, 'resources');
export const WEB_DIR = join(REPO_ROOT, 'out', 'web');

/** The same folder Electron's app.getPath('userData') uses for productName "Countertop". */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Countertop');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Countertop');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Countertop');
}
