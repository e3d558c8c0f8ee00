import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL } from '../../../src/main/electron/app-protocol';
import {
  appUrlFor,
  isAllowedNavigation,
  isLoopbackHost,
  isTrustedSender,
  rendererTarget,
  shouldAllowPermission,
  windowOpenAction,
} from '../../../src/main/electron/policy';

const packaged = APP_INDEX_URL;
const builtFile = pathToFileURL('/opt/Countertop/resources/app.asar/out/renderer/index.html').href;
const dev = 'http://localhost:5173/';

describe('isAllowedNavigation (packaged renderer on app://countertop)', () => {
  it.each([packaged, `${packaged}#/checkout`, `${packaged}?lang=zh-CN#/orders/123`, 'app://countertop/'])(
    'allows the app itself: %s',
    (url) => {
      expect(isAllowedNavigation(url, packaged)).toBe(true);
    },
  );

  it.each([
    'https://evil.example/',
    'http://localhost:5173/',
    'http://countertop/index.html',
    'https://countertop/index.html',
    'app://evil.example/index.html',
    'app://countertop.evil.example/index.html',
    'app://user:pw@countertop/index.html',
    'app:index.html',
    builtFile,
    'file:///etc/passwd',
    'file:///opt/Countertop/resources/app.asar/out/renderer/other.html',
    'file:///opt/Countertop/resources/app.asar/out/renderer/index.html/../../../../etc/passwd',
    'file://evilhost/opt/Countertop/resources/app.asar/out/renderer/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ])('denies %s', (url) => {
    expect(isAllowedNavigation(url, packaged)).toBe(false);
  });

  it('never trusts file:// again, even the built index.html itself', () => {
    expect(isAllowedNavigation(builtFile, builtFile)).toBe(false);
    expect(isTrustedSender(builtFile, builtFile)).toBe(false);
  });
});

describe('isAllowedNavigation (dev server)', () => {
  it.each([dev, 'http://localhost:5173/orders', 'http://localhost:5173/#/checkout'])('allows %s', (url) => {
    expect(isAllowedNavigation(url, dev)).toBe(true);
  });

  it.each([
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://127.0.0.1:5173/',
    'http://localhost.evil.example:5173/',
    'http://localhost:5173@evil.example/',
    'ws://localhost:5173/',
    packaged,
  ])('denies %s', (url) => {
    expect(isAllowedNavigation(url, dev)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts only the top frame of the app page', () => {
    expect(isTrustedSender(packaged, packaged)).toBe(true);
    expect(isTrustedSender(`${packaged}#/checkout`, packaged)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/', dev)).toBe(true);
  });

  it.each([
    [null, packaged],
    [undefined, packaged],
    ['', packaged],
    ['about:blank', packaged],
    ['file:///tmp/evil.html', packaged],
    [builtFile, packaged],
    ['app://evil/index.html', packaged],
    ['https://evil.example/', packaged],
    ['http://localhost:5173/', packaged],
    [packaged, dev],
    ['http://localhost:9999/', dev],
    ['https://evil.example/', dev],
  ])('refuses %s for app %s', (frameUrl, appUrl) => {
    expect(isTrustedSender(frameUrl, appUrl)).toBe(false);
  });

  it('refuses everything when the app URL itself is not http(s) or file', () => {
    expect(isTrustedSender('about:blank', 'about:blank')).toBe(false);
    expect(isTrustedSender('data:text/html,x', 'data:text/html,x')).toBe(false);
  });
});

describe('permissions and new windows', () => {
  it.each([
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'fullscreen',
    'hid',
    'serial',
    'usb',
    'openExternal',
    'midiSysex',
    'pointerLock',
    'fileSystem',
    'unknown',
  ])('denies %s, even to the app itself', (permission) => {
    expect(shouldAllowPermission(permission, packaged, packaged)).toBe(false);
    expect(shouldAllowPermission(permission, 'https://evil.example/', packaged)).toBe(false);
  });

  it('never opens a window', () => {
    expect(windowOpenAction()).toEqual({ action: 'deny' });
  });
});

describe('rendererTarget', () => {
  const indexHtmlPath = '/app/out/renderer/index.html';

  it('uses the dev server only when not packaged and the URL is loopback http', () => {
    expect(rendererTarget({ isPackaged: false, devServerUrl: dev, indexHtmlPath })).toEqual({ kind: 'url', url: dev });
    expect(rendererTarget({ isPackaged: false, devServerUrl: 'http://127.0.0.1:5173', indexHtmlPath })).toEqual({
      kind: 'url',
      url: 'http://127.0.0.1:5173/',
    });
  });

  it.each([
    [true, dev],
    [false, undefined],
    [false, ''],
    [false, 'https://evil.example/'],
    [false, 'http://192.168.1.20:5173/'],
    [false, 'file:///tmp/index.html'],
    [false, 'garbage'],
  ])('serves the built folder on app://countertop when packaged=%s and ELECTRON_RENDERER_URL=%s', (isPackaged, devServerUrl) => {
    expect(rendererTarget({ isPackaged, devServerUrl, indexHtmlPath })).toEqual({
      kind: 'app',
      url: 'app://countertop/index.html',
      root: '/app/out/renderer',
    });
  });

  it('derives the app URL the checks compare against', () => {
    expect(appUrlFor({ kind: 'url', url: dev })).toBe(dev);
    const appUrl = appUrlFor(rendererTarget({ isPackaged: true, devServerUrl: undefined, indexHtmlPath }));
    expect(appUrl).toBe('app://countertop/index.html');
    expect(isTrustedSender(`${appUrl}#/checkout`, appUrl)).toBe(true);
  });

  it('recognises loopback hosts', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.0.1', 'localhost.evil', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});
