/**
 * The app:// scheme as data: the privileges it is registered with, and the files it serves
 * (only from the built renderer folder, with every form of traversal refused).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES, appProtocolResponse, resolveAppFile } from '../../../src/main/electron/app-protocol';

const base = mkdtempSync(join(tmpdir(), 'ct-app-protocol-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), 'outside the renderer');
mkdirSync(join(base, 'renderer-evil'));
writeFileSync(join(base, 'renderer-evil', 'x.js'), 'sibling folder');
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the app:// scheme', () => {
  it('is registered standard and secure, and widens nothing else', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        codeCache: true,
        bypassCSP: false,
        allowServiceWorkers: false,
        corsEnabled: false,
        stream: false,
        allowExtensions: false,
      },
    });
    expect(APP_INDEX_URL).toBe('app://countertop/index.html');
  });

  it.each([
    ['app://countertop/index.html', 'index.html'],
    ['app://countertop/', 'index.html'],
    ['app://countertop/checkout', 'index.html'],
    ['app://countertop/assets/main.js', 'assets/main.js'],
    ['app://countertop/assets/main.js?v=1#x', 'assets/main.js'],
  ])('resolves %s inside the renderer folder', (url, rel) => {
    expect(resolveAppFile(url, root)).toBe(join(root, rel));
  });

  // The URL parser itself treats %2e%2e as `..` and resolves it against the root: those stay inside.
  it.each([
    'app://countertop/%2e%2e/secret.txt',
    'app://countertop/%2E%2E/%2E%2E/etc/passwd',
    'app://countertop/assets/%2e%2e/%2e%2e/secret.txt',
    'app://countertop/../../secret.txt',
    'app://countertop/%252e%252e/secret.txt',
  ])('never leaves the renderer folder for %s', (url) => {
    const file = resolveAppFile(url, root);
    if (file !== null) expect(file.startsWith(join(root, '/'))).toBe(true);
  });

  it.each([
    'app://countertop/..%2fsecret.txt',
    'app://countertop/..%5csecret.txt',
    'app://countertop/assets%5c..%5c..%5csecret.txt',
    'app://countertop/%2e%2e%2frenderer-evil/x.js',
    'app://countertop/index.html%00.js',
    'app://countertop/%E0%A4%A',
    'app://evil/index.html',
    'app://user@countertop/index.html',
    'file:///etc/passwd',
    'http://countertop/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(url, root)).toBeNull();
  });

  it('answers with the file and its type, or 404 and nothing else', async () => {
    const ok = await appProtocolResponse('app://countertop/assets/main.js', root);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/javascript/);
    expect(await ok.text()).toBe('console.log(1)');
    const page = await appProtocolResponse('app://countertop/orders', root);
    expect(await page.text()).toContain('<title>app</title>');
    for (const url of ['app://countertop/%2e%2e/secret.txt', 'app://countertop/missing.js', 'app://evil/index.html']) {
      const res = await appProtocolResponse(url, root);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('outside the renderer');
    }
  });
});
