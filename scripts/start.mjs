#!/usr/bin/env node
// `npm start` (build + run the desktop app) and `npm run dev` (`--dev`: dev server with reload).
// Where the Electron runtime is missing (it is downloaded from outside the npm registry on first
// install), say so and point to `npm run web`, which serves the same app to a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

const args = process.argv.slice(2);
const dev = args.includes('--dev');
const passthrough = args.filter((a) => a !== '--dev');

/** Path of the Electron executable, or null when the runtime was never downloaded. */
function electronBinary() {
  try {
    const path = require('electron'); // the electron package exports the executable's path
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null; // "Electron failed to install correctly": no path.txt, binary not downloaded
  }
}

function explainMissingRuntime() {
  console.error(`
Countertop: the Electron runtime is not installed on this machine.

  The npm package "electron" is here, but its runtime binary is downloaded on first install from
  outside the npm registry (GitHub releases), which this machine cannot reach.

  On a normal machine with internet access:
    npm install                  (with the electron install script allowed), or
    node node_modules/electron/install.js
  then \`npm start\` again (or \`npx electron-vite preview\` / \`npx electron-vite dev\`).

  Meanwhile, run the same app in a browser:
    npm run web                  (the headless host on 127.0.0.1; it prints the URL to open)
`);
}

/**
 * better-sqlite3 is built for Node (the tests need that). Electron has its own ABI; check that the
 * native module loads in Electron before starting, and say how to rebuild it if it does not.
 */
function checkNativeModules(electron) {
  const probe = spawnSync(electron, ['-e', "const D = require('better-sqlite3'); new D(':memory:').close()"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.status === 0) return true;
  const output = `${probe.stderr ?? ''}${probe.stdout ?? ''}`;
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(output)) {
    console.error(`
Countertop: better-sqlite3 is built for Node.js, not for Electron's ABI.

  Rebuild it for Electron:      npx electron-builder install-app-deps
  (before \`npm test\` again:    npm rebuild better-sqlite3)
`);
    return false;
  }
  console.warn(`Countertop: could not check better-sqlite3 under Electron; starting anyway.\n${output.trim()}`);
  return true;
}

const electron = electronBinary();
if (!electron) {
  explainMissingRuntime();
  process.exit(1);
}
if (!checkNativeModules(electron)) process.exit(1);

const electronVite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const child = spawn(process.execPath, [electronVite, dev ? 'dev' : 'preview', ...passthrough], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
