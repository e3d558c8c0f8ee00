// harden.ts wired to fake Electron objects (vi.mock replaces 'electron'; the real runtime is never loaded).
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL } from '../../../src/main/electron/app-protocol';

const appEvents = new EventEmitter();
vi.mock('electron', () => ({ app: appEvents }));

const { hardenSession, hardenWebContents, installGlobalGuards } = await import('../../../src/main/electron/harden');
const { CONTENT_SECURITY_POLICY } = await import('../../../src/main/electron/window-options');

const appUrl = APP_INDEX_URL;

class FakeSession extends EventEmitter {
  permissionRequest?: (wc: unknown, permission: string, cb: (ok: boolean) => void, details: { requestingUrl?: string }) => void;
  permissionCheck?: (wc: unknown, permission: string, origin: string, details: unknown) => boolean;
  devicePermission?: (details: unknown) => boolean;
  displayMedia?: (request: unknown, cb: (streams: unknown) => void) => void;
  headersReceived?: (details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void;
  setPermissionRequestHandler(h: FakeSession['permissionRequest']) {
    this.permissionRequest = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheck']) {
    this.permissionCheck = h;
  }
  setDevicePermissionHandler(h: FakeSession['devicePermission']) {
    this.devicePermission = h;
  }
  setDisplayMediaRequestHandler(h: FakeSession['displayMedia']) {
    this.displayMedia = h;
  }
  webRequest = {
    onHeadersReceived: (h: FakeSession['headersReceived']) => {
      this.headersReceived = h;
    },
  };
}

class FakeContents extends EventEmitter {
  windowOpen?: (details: { url: string }) => unknown;
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(h: (details: { url: string }) => unknown) {
    this.windowOpen = h;
  }
}

function navEvent(url: string) {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

function setup() {
  const session = new FakeSession();
  const contents = new FakeContents(session);
  const blocked: [string, string][] = [];
  hardenWebContents(contents as never, { appUrl, csp: CONTENT_SECURITY_POLICY, onBlocked: (w, d) => blocked.push([w, d]) });
  return { session, contents, blocked };
}

describe('hardenWebContents', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: blocks foreign URLs, lets the app page through', (name) => {
    const { contents, blocked } = setup();
    const evil = navEvent('https://evil.example/');
    contents.emit(name, evil);
    expect(evil.prevented).toBe(true);
    expect(blocked).toHaveLength(1);
    const own = navEvent(`${appUrl}#/orders`);
    contents.emit(name, own);
    expect(own.prevented).toBe(false);
  });

  it('denies every window.open', () => {
    const { contents } = setup();
    expect(contents.windowOpen?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpen?.({ url: appUrl })).toEqual({ action: 'deny' });
  });

  it('prevents attaching a webview', () => {
    const { contents } = setup();
    const event = navEvent('');
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.prevented).toBe(true);
  });

  it('hardens the session: permissions, devices, display media and downloads are refused', () => {
    const { session } = setup();
    const granted: boolean[] = [];
    session.permissionRequest?.({}, 'media', (ok) => granted.push(ok), { requestingUrl: appUrl });
    session.permissionRequest?.({}, 'notifications', (ok) => granted.push(ok), { requestingUrl: 'https://evil.example/' });
    expect(granted).toEqual([false, false]);
    expect(session.permissionCheck?.({}, 'clipboard-read', 'file://', {})).toBe(false);
    expect(session.permissionCheck?.({}, 'serial', 'file://', {})).toBe(false);
    expect(session.devicePermission?.({ deviceType: 'hid' })).toBe(false);
    const streams: unknown[] = [];
    session.displayMedia?.({}, (s) => streams.push(s));
    expect(streams).toEqual([{}]);
    const download = navEvent('');
    session.emit('will-download', download, { getURL: () => 'https://evil.example/x.exe' });
    expect(download.prevented).toBe(true);
  });

  it('sets the CSP header on every response, replacing the server one', () => {
    const { session } = setup();
    let answer: unknown;
    session.headersReceived?.({ responseHeaders: { 'content-security-policy': ['default-src *'], Server: ['x'] } }, (r) => (answer = r));
    expect(answer).toEqual({ responseHeaders: { Server: ['x'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  it('is idempotent per webContents', () => {
    const { contents } = setup();
    hardenWebContents(contents as never, { appUrl, csp: CONTENT_SECURITY_POLICY });
    expect(contents.listenerCount('will-navigate')).toBe(1);
  });
});

describe('installGlobalGuards', () => {
  it('hardens every webContents the app creates', () => {
    installGlobalGuards({ appUrl, csp: CONTENT_SECURITY_POLICY });
    const session = new FakeSession();
    const contents = new FakeContents(session);
    appEvents.emit('web-contents-created', {}, contents);
    const evil = navEvent('https://evil.example/');
    contents.emit('will-navigate', evil);
    expect(evil.prevented).toBe(true);
    expect(session.permissionRequest).toBeTypeOf('function');
    hardenSession(session as never, { appUrl, csp: 'ignored' }); // already hardened: keeps the first policy
    let answer: unknown;
    session.headersReceived?.({}, (r) => (answer = r));
    expect(answer).toEqual({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
});
