// electron.vite.config.ts as data: entries, the sandbox-safe preload format, native deps external.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../../electron.vite.config';

const root = join(import.meta.dirname, '../../..');

describe('electron.vite.config.ts', () => {
  const c = typeof config === 'function' ? null : (config as Exclude<typeof config, Promise<unknown>>);

  it('is a plain object config', () => {
    expect(c).not.toBeNull();
  });

  it('builds the main process from src/main/index.ts with dependencies (better-sqlite3) left external', () => {
    expect(c?.main?.build?.rolldownOptions?.input).toEqual({ index: join(root, 'src/main/index.ts') });
    expect(c?.main?.build?.externalizeDeps).not.toBe(false);
  });

  it('bundles the sandboxed preload into one CommonJS file', () => {
    const build = c?.preload?.build;
    expect(build?.rolldownOptions?.input).toEqual({ index: join(root, 'src/preload/index.ts') });
    expect(build?.externalizeDeps).toBe(false);
    expect(build?.isolatedEntries).toBe(true);
    const output = build?.rolldownOptions?.output;
    expect(Array.isArray(output)).toBe(false);
    expect(output).toMatchObject({ format: 'cjs', entryFileNames: '[name].cjs' });
  });

  it('builds the renderer from src/renderer/index.html with React', () => {
    expect(c?.renderer?.root).toBe(join(root, 'src/renderer'));
    expect(c?.renderer?.build?.rolldownOptions?.input).toEqual({ index: join(root, 'src/renderer/index.html') });
    const names = (c?.renderer?.plugins ?? []).flat(3).map((p) => (p && typeof p === 'object' && 'name' in p ? p.name : ''));
    expect(names.some((n) => String(n).startsWith('vite:react'))).toBe(true);
  });
});
