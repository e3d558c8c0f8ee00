import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Builds the renderer as a plain web bundle for the headless host (`npm run web`) and the
 * end-to-end tests. Electron builds the same sources through electron.vite.config.ts.
 */
const root = fileURLToPath(new URL('./src/renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./out/web', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // bwip-js is large; it is loaded lazily for the receipt only.
    chunkSizeWarningLimit: 1500,
  },
});
