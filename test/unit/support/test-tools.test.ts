/**
 * The tools the suite itself stands on: the PDF reader the label and report tests use (an npm
 * package, nothing from the system), and the choice of Chromium for the end-to-end tests.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { findChromium, NO_BROWSER } from '../../support/browser';
import { pdfPageCount, pdfText, pdfToPng } from '../../support/pdf';

async function twoPages(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const one = doc.addPage([144, 72]); // 2 × 1 inch
  one.drawRectangle({ x: 0, y: 0, width: 72, height: 72, color: rgb(0, 0, 0) }); // left half black
  one.drawText('SKU', { x: 80, y: 40, size: 10, font });
  one.drawText('COLA', { x: 110, y: 40, size: 10, font });
  one.drawText('Total 4.99', { x: 80, y: 10, size: 10, font });
  doc.addPage([144, 72]).drawText('Page two', { x: 10, y: 30, size: 10, font });
  return doc.save();
}

describe('test/support/pdf', () => {
  it('counts pages and reads text page by page, a row of pieces as one line', async () => {
    const pdf = await twoPages();
    expect(pdfPageCount(pdf)).toBe(2);
    const first = pdfText(pdf, { first: 1, last: 1 });
    expect(first.split('\n')).toContain('SKU COLA');
    expect(first).toContain('Total 4.99');
    expect(first).not.toContain('Page two');
    expect(pdfText(pdf)).toContain('Page two');
    expect(pdfText(pdf, { first: 2 })).not.toContain('COLA');
  });

  it('renders a page to PNG at the asked resolution, ink where the PDF drew it', async () => {
    const png = PNG.sync.read(Buffer.from(pdfToPng(await twoPages(), 1, 100)));
    expect([png.width, png.height]).toEqual([200, 100]);
    const at = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
    expect(at(20, 50)).toBeLessThan(20); // inside the black square
    expect(at(190, 5)).toBeGreaterThan(235); // blank paper
  });
});

describe('test/support/browser', () => {
  const own = '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
  const shell = '/home/u/.cache/ms-playwright/chromium_headless_shell-1255';
  const on =
    (...paths: string[]) =>
    (p: string) =>
      paths.includes(p);

  it("prefers CHROMIUM_PATH, then Playwright's own browser, then the system's", () => {
    const all = on('/opt/c/chrome', own, shell, '/usr/bin/chromium');
    expect(findChromium({ env: { CHROMIUM_PATH: '/opt/c/chrome' }, exists: all, playwrightChromium: own })).toEqual({
      source: 'env',
      executablePath: '/opt/c/chrome',
    });
    expect(findChromium({ env: {}, exists: all, playwrightChromium: own })).toEqual({ source: 'playwright', executablePath: undefined });
    // The full browser without its headless shell: launch the full one by name.
    expect(findChromium({ env: {}, exists: on(own, '/usr/bin/chromium'), playwrightChromium: own })).toEqual({
      source: 'playwright',
      executablePath: own,
    });
    expect(findChromium({ env: {}, exists: on('/usr/bin/chromium-browser'), playwrightChromium: own })).toEqual({
      source: 'system',
      executablePath: '/usr/bin/chromium-browser',
    });
    expect(findChromium({ env: {}, exists: on('/usr/bin/google-chrome'), playwrightChromium: own })).toEqual({
      source: 'system',
      executablePath: '/usr/bin/google-chrome',
    });
  });

  it('finds none when there is none, or when CHROMIUM_PATH names a missing file', () => {
    expect(findChromium({ env: {}, exists: on(), playwrightChromium: own })).toBeNull();
    expect(findChromium({ env: { CHROMIUM_PATH: '/nope' }, exists: on('/usr/bin/chromium'), playwrightChromium: own })).toBeNull();
  });

  it('with no browser, the end-to-end run stops at once with one sentence naming the install command', () => {
    const root = join(import.meta.dirname, '../../..');
    const res = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/check-browser.ts'], {
      cwd: root,
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toMatch(/^CHROMIUM_PATH names \/nonexistent\/chromium, which does not exist/);
    expect(NO_BROWSER).toMatch(/^[^.]*`npx playwright install chromium`[^.]*`sudo apt-get install chromium`[^]*\.$/);
  });
});
