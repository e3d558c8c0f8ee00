/**
 * Which Chromium the end-to-end tests (and the cold-start bench) drive: a binary named by
 * CHROMIUM_PATH first (an explicit choice), then Playwright's own browser when
 * `npx playwright install chromium` has put it there, then the system's Chromium or Chrome.
 * With none, the run stops before building anything, with one sentence saying how to get one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

export const NO_BROWSER =
  'No Chromium for the end-to-end tests: install one with `npx playwright install chromium` ' +
  '(or `sudo apt-get install chromium` on Debian and Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.';

/** Where Debian, Ubuntu, Fedora, Chrome's own packages, macOS and Windows put the browser. */
export const SYSTEM_CHROMIUMS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

export type BrowserChoice =
  /** Playwright launches its own build (the headless shell it installed beside it). */
  { source: 'playwright'; executablePath: undefined } | { source: 'playwright' | 'env' | 'system'; executablePath: string };

export interface FindOptions {
  env?: Record<string, string | undefined>;
  exists?: (path: string) => boolean;
  /** Where Playwright's own Chromium would be (chromium.executablePath()). */
  playwrightChromium?: string;
}

export function findChromium(opts: FindOptions = {}): BrowserChoice | null {
  const env = opts.env ?? process.env;
  const exists = opts.exists ?? existsSync;
  const named = env['CHROMIUM_PATH'];
  if (named) return exists(named) ? { source: 'env', executablePath: named } : null;

  const own = opts.playwrightChromium ?? chromium.executablePath();
  // Headless runs use Playwright's "headless shell", installed beside the full browser
  // (…/chromium-1234/… and …/chromium_headless_shell-1234/); with only the full one, name it.
  const m = /^(.*)[\\/]chromium-(\d+)[\\/]/.exec(own);
  if (m && exists(join(m[1]!, `chromium_headless_shell-${m[2]}`))) return { source: 'playwright', executablePath: undefined };
  if (exists(own)) return { source: 'playwright', executablePath: own };

  for (const path of SYSTEM_CHROMIUMS) if (exists(path)) return { source: 'system', executablePath: path };
  return null;
}

/** The executable to launch (undefined: Playwright's own), or stop the process with NO_BROWSER. */
export function chromiumOrExit(): string | undefined {
  const found = findChromium();
  if (!found) {
    const named = process.env['CHROMIUM_PATH'];
    console.error(
      named ? `CHROMIUM_PATH names ${named}, which does not exist: point it at a Chromium or Chrome binary, or unset it.` : NO_BROWSER,
    );
    process.exit(1);
  }
  return found.executablePath;
}
