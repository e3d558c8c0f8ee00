// electron-builder.yml as data: Electron's own downloads are unreachable here, so the packaging
// configuration is validated with electron-builder's schema and its security-relevant values asserted.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const require = createRequire(join(root, 'package.json'));
// js-yaml and app-builder-lib come with electron-builder (no extra dependency).
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
};
// The glob library electron-builder itself matches asarUnpack patterns with ({ dot: true }).
const { minimatch } = createRequire(require.resolve('app-builder-lib/package.json'))('minimatch') as {
  minimatch(path: string, pattern: string, options: { dot: boolean }): boolean;
};
const globMatch = (glob: string, path: string) => minimatch(path, glob, { dot: true });

interface FileSet {
  from?: string;
  to?: string;
  filter?: string[];
}
interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: (string | FileSet)[];
  extraResources?: (string | FileSet)[];
  asar?: boolean;
  asarUnpack?: string[];
  npmRebuild?: boolean;
  electronFuses?: Record<string, boolean>;
  linux?: { target?: unknown };
  win?: { target?: unknown };
  mac?: { target?: unknown };
}

const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const config = yaml.load(text) as BuilderConfig;

function targets(platform: { target?: unknown } | undefined): string[] {
  const list = Array.isArray(platform?.target) ? platform.target : [platform?.target];
  return list.map((t: unknown) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

describe('electron-builder.yml', () => {
  it('passes electron-builder 26 schema validation (unknown or misspelt keys fail)', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('the schema check is real: a misspelt fuse is rejected', async () => {
    const broken = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(validateConfiguration(broken, { isEnabled: false, add() {} })).rejects.toThrow(/electronFuses/);
  });

  it('identifies the app', () => {
    expect(config.appId).toBe('app.countertop.pos');
    expect(config.productName).toBe('Countertop');
  });

  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    ['enableCookieEncryption', true],
    ['grantFileProtocolExtraPrivileges', false],
  ])('flips the %s fuse to %s', (fuse, value) => {
    expect(config.electronFuses?.[fuse]).toBe(value);
  });

  it('packages the electron-vite output in an asar', () => {
    expect(config.files).toContain('out/**');
    expect(config.asar).not.toBe(false);
  });

  it('unpacks better-sqlite3 (native) from the asar and rebuilds it for Electron', () => {
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
    const unpacked = (p: string) => (config.asarUnpack ?? []).some((g) => globMatch(g, p));
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/lib/index.js')).toBe(true);
    expect(unpacked('out/main/index.js')).toBe(false);
    expect(config.npmRebuild).toBe(true);
  });

  it('ships the migrations and the demo catalog where the main process looks for them', () => {
    const sets = (config.extraResources ?? []).filter((r): r is FileSet => typeof r === 'object');
    const migrations = sets.find((r) => r.to === 'migrations');
    expect(migrations?.from).toBe('src/main/db/migrations');
    expect(existsSync(join(root, 'src/main/db/migrations/meta/_journal.json'))).toBe(true);
    expect(sets.find((r) => r.to === 'demo')?.from).toBe('resources/demo');
    // src/main/index.ts reads process.resourcesPath/migrations and process.resourcesPath/demo
    const main = readFileSync(join(root, 'src/main/index.ts'), 'utf8');
    expect(main).toMatch(/join\(process\.resourcesPath, 'migrations'\)/);
    expect(main).toMatch(/app\.isPackaged \? process\.resourcesPath/);
  });

  it('builds AppImage and deb for Linux, nsis for Windows, dmg for macOS', () => {
    expect(targets(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(targets(config.win)).toEqual(['nsis']);
    expect(targets(config.mac)).toEqual(['dmg']);
  });

  it('package.json builds each platform with electron-vite first, and the README says how', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; main: string };
    expect(pkg.scripts['dist:linux']).toBe('electron-vite build && electron-builder --linux');
    expect(pkg.scripts['dist:win']).toBe('electron-vite build && electron-builder --win');
    expect(pkg.scripts['dist:mac']).toBe('electron-vite build && electron-builder --mac');
    // electron-builder starts what package.json's main names, which electron-vite writes into out/
    expect(pkg.main).toBe('out/main/index.js');
    expect((config.files ?? []).some((f) => typeof f === 'string' && globMatch(f, pkg.main))).toBe(true);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const cmd of ['npm run dist:linux', 'npm run dist:win', 'npm run dist:mac', 'node node_modules/electron/install.js'])
      expect(readme).toContain(cmd);
  });
});
