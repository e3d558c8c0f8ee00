import { defineConfig } from '@playwright/test';

/**
 * Electron-runtime tests (Playwright `_electron`): `npx playwright test -c test/e2e-electron`.
 * They skip, with the reason, where the Electron binary was never downloaded.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
});
