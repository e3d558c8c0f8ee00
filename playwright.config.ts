import { defineConfig } from '@playwright/test';
import { chromiumOrExit } from './test/support/browser';

/**
 * End-to-end tests drive the headless host in Chromium (Playwright's own when installed, else the
 * system's: see test/support/browser.ts); each test starts its own host, built from the sources
 * before the run (global-setup.ts).
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.e2e.ts',
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: chromiumOrExit(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
