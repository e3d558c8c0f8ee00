// The Electron transport with a fake ipcMain: vi.mock replaces 'electron', so the real package
// (which needs the runtime binary) is never loaded.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL } from '../../../src/main/electron/app-protocol';

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpc } = await import('../../../src/main/electron/ipc');
const { EVENT_CHANNEL, INVOKE_CHANNEL } = await import('../../../src/main/electron/ipc-protocol');

const appUrl = APP_INDEX_URL;

class FakeContents {
  sent: unknown[][] = [];
  destroyed = false;
  url = appUrl;
  private onDestroyed: (() => void) | null = null;
  constructor(readonly id: number) {}
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.url;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  once(event: string, cb: () => void) {
    if (event === 'destroyed') this.onDestroyed = cb;
  }
  destroy() {
    this.destroyed = true;
    this.onDestroyed?.();
  }
}

function fakeRouter() {
  const listeners = new Map<string, (event: string, payload: unknown) => void>();
  return {
    calls: [] as { channel: string; input: unknown; sessionKey: string }[],
    dropped: [] as string[],
    listeners,
    call: vi.fn(async function (this: unknown, channel: string, input: unknown, sessionKey: string) {
      router.calls.push({ channel, input, sessionKey });
      return { ok: true as const, value: 'pong' };
    }),
    subscribe(sessionKey: string, listener: (event: string, payload: unknown) => void) {
      listeners.set(sessionKey, listener);
      return () => listeners.delete(sessionKey);
    },
    dropSession(sessionKey: string) {
      router.dropped.push(sessionKey);
    },
  };
}
let router = fakeRouter();

function invokeEvent(contents: FakeContents, frame: { url: string; parent: unknown } | null | 'disposed') {
  return {
    sender: contents,
    get senderFrame() {
      if (frame === 'disposed') throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      return frame;
    },
  };
}

function invoke(event: unknown, channel: unknown, input: unknown) {
  const handler = handlers.get(INVOKE_CHANNEL);
  if (!handler) throw new Error('no handler');
  return handler(event, channel, input) as Promise<unknown>;
}

describe('registerIpc', () => {
  beforeEach(() => {
    handlers.clear();
    router = fakeRouter();
  });

  it('routes a call from the app page with the session of its webContents', async () => {
    const ipc = registerIpc(router, { appUrl });
    const wc = new FakeContents(7);
    ipc.attach(wc as never);
    const result = await invoke(invokeEvent(wc, { url: `${appUrl}#/checkout`, parent: null }), 'sales.scan', { code: '123' });
    expect(result).toEqual({ ok: true, value: 'pong' });
    expect(router.calls).toEqual([{ channel: 'sales.scan', input: { code: '123' }, sessionKey: 'wc:7' }]);
  });

  it.each([
    ['a foreign page', { url: 'https://evil.example/', parent: null }],
    ['another local file', { url: 'file:///tmp/evil.html', parent: null }],
    ['a subframe of the app', { url: appUrl, parent: {} }],
    ['a missing frame', null],
    ['a disposed frame', 'disposed' as const],
  ])('refuses %s with FORBIDDEN and never reaches the router', async (_name, frame) => {
    const rejected = vi.fn();
    const ipc = registerIpc(router, { appUrl, onRejected: rejected });
    const wc = new FakeContents(3);
    ipc.attach(wc as never);
    const result = await invoke(invokeEvent(wc, frame), 'app.status', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(router.call).not.toHaveBeenCalled();
    expect(rejected).toHaveBeenCalledOnce();
  });

  it('refuses a webContents that was never attached, even on the app URL', async () => {
    registerIpc(router, { appUrl });
    const stranger = new FakeContents(99);
    const result = await invoke(invokeEvent(stranger, { url: appUrl, parent: null }), 'app.status', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(router.call).not.toHaveBeenCalled();
  });

  it.each([42, null, undefined, {}, ['sales.scan'], '', 'sales', '__proto__.x', 'sales.scan;drop', 'a'.repeat(200) + '.b'])(
    'answers VALIDATION for channel %j',
    async (channel) => {
      const ipc = registerIpc(router, { appUrl });
      const wc = new FakeContents(1);
      ipc.attach(wc as never);
      const result = await invoke(invokeEvent(wc, { url: appUrl, parent: null }), channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(router.call).not.toHaveBeenCalled();
    },
  );

  it('forwards router events to the window while it shows the app page', () => {
    const ipc = registerIpc(router, { appUrl });
    const wc = new FakeContents(5);
    ipc.attach(wc as never);
    router.listeners.get('wc:5')?.('session.expired', { reason: 'idle' });
    expect(wc.sent).toEqual([[EVENT_CHANNEL, 'session.expired', { reason: 'idle' }]]);
    wc.url = 'https://evil.example/';
    router.listeners.get('wc:5')?.('payments.intent', { id: 'x' });
    expect(wc.sent).toHaveLength(1);
  });

  it('unsubscribes and drops the session when the webContents is destroyed', async () => {
    const ipc = registerIpc(router, { appUrl });
    const wc = new FakeContents(9);
    ipc.attach(wc as never);
    wc.destroy();
    expect(router.dropped).toEqual(['wc:9']);
    expect(router.listeners.has('wc:9')).toBe(false);
    const result = await invoke(invokeEvent(wc, { url: appUrl, parent: null }), 'app.status', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('dispose removes the handler and drops every session once', () => {
    const ipc = registerIpc(router, { appUrl });
    const a = new FakeContents(1);
    const b = new FakeContents(2);
    ipc.attach(a as never);
    ipc.attach(b as never);
    ipc.attach(a as never); // attaching twice is harmless
    ipc.dispose();
    expect(handlers.has(INVOKE_CHANNEL)).toBe(false);
    expect(router.dropped.sort()).toEqual(['wc:1', 'wc:2']);
    a.destroy();
    expect(router.dropped).toHaveLength(2);
  });
});
