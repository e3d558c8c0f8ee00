import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './src/main/electron/window-options';

const root = import.meta.dirname;

/**
 * The renderer's index.html carries the strict CSP in a <meta> tag (file:// pages get no response
 * headers to carry one). The dev server needs React Fast Refresh's inline preamble and an HMR
 * WebSocket, so in `serve` only the meta policy is swapped for the dev policy. Builds are untouched.
 */
function devServerCsp(): Plugin {
  return {
    name: 'countertop:dev-csp',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const devServerUrl = ctx.server?.resolvedUrls?.local[0] ?? 'http://localhost:5173/';
        return html.replace(
          /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/i,
          (_m, open: string, close: string) => `${open}${contentSecurityPolicy({ devServerUrl })}${close}`,
        );
      },
    },
  };
}

export default defineConfig({
  main: {
    build: {
      // dependencies (better-sqlite3 and its native binding, drizzle, zod, ...) stay in node_modules
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything into one CommonJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
        },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react(), devServerCsp()],
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
});
