// Process boundaries, checked on the sources (ESLint enforces the same rule; this keeps it true
// even where lint is not run): only the Electron shell imports 'electron', and the modules the
// plain-Node tests load import it for types only.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Every module specifier that is imported for its value (not `import type`). */
function valueImports(code: string): string[] {
  const specs: string[] = [];
  const re =
    /(?:^|[\n;])\s*(import|export)\s+(type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of code.matchAll(re)) {
    if (m[2]) continue; // import type ... from
    const spec = m[3] ?? m[4] ?? m[5];
    if (spec) specs.push(spec);
  }
  return specs;
}

const allowed = (file: string) =>
  file === join('src', 'main', 'index.ts') ||
  file.startsWith(join('src', 'main', 'electron') + '/') ||
  file.startsWith(join('src', 'preload') + '/');

const isElectron = (spec: string) => spec === 'electron' || spec.startsWith('electron/');

describe('who may import electron', () => {
  const files = ['src', 'test/unit', 'test/integration', 'bench'].flatMap((d) => {
    try {
      return sources(d);
    } catch {
      return [];
    }
  });

  it('the import scanner sees value imports and skips type-only ones', () => {
    expect(valueImports("import { app } from 'electron';\nimport type { X } from 'electron/main';")).toEqual(['electron']);
    expect(valueImports("const e = require('electron')")).toEqual(['electron']);
    expect(valueImports("import 'electron';")).toEqual(['electron']);
  });

  it('only src/main/index.ts, src/main/electron/** and src/preload/** import electron', () => {
    const self = join('test', 'unit', 'electron', 'boundaries.test.ts'); // its examples are strings
    const offenders = files.filter((f) => f !== self && !allowed(f) && valueImports(readFileSync(join(root, f), 'utf8')).some(isElectron));
    expect(offenders.map((f) => relative(root, join(root, f)))).toEqual([]);
  });

  it.each(['policy.ts', 'window-options.ts', 'ipc-protocol.ts'])(
    'src/main/electron/%s stays loadable in plain Node (no value import of electron)',
    (name) => {
      const code = readFileSync(join(root, 'src/main/electron', name), 'utf8');
      expect(valueImports(code).filter(isElectron)).toEqual([]);
    },
  );

  it('the preload imports nothing at run time but electron and the pure IPC protocol', () => {
    const code = readFileSync(join(root, 'src/preload/index.ts'), 'utf8');
    expect(valueImports(code).sort()).toEqual(['../main/electron/ipc-protocol', 'electron']);
    expect(code).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
