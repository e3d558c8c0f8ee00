// Builds the headless host (src/main/host/cli.ts) into out/host/cli.mjs: one bundle of our code
// and the pure-JavaScript packages, as a packaged app runs it. Under tsx every start would resolve
// and transform some 190 source files and 200 package files first (about two seconds of a two-second
// start budget). better-sqlite3 stays outside (a native addon); the PDF, label and payment code is
// split into chunks that load on first use.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out', 'host');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'main', 'host', 'cli.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  external: ['better-sqlite3'],
  // Bundled CommonJS packages call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __ctRequire } from 'node:module'; const require = __ctRequire(import.meta.url);" },
  logLevel: 'warning',
});
