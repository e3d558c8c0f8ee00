// src/main/index.ts end to end against a fake 'electron' (vi.mock) and the REAL store (createApp,
// better-sqlite3 built for Node, the drizzle migrations): single-instance lock, hardened window,
// renderer load, IPC through the router, sessions dropped with the window, database closed on quit.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const userData = mkdtempSync(join(tmpdir(), 'ct-electron-main-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));

const h = vi.hoisted(() => {
  // vi.hoisted runs before imports: only globals here.
  return {
    windows: [] as unknown[],
    ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    ready: null as null | (() => void),
    quit: 0,
    exitCode: null as number | null,
    sandboxEnabled: false,
    app: null as null | import('node:events').EventEmitter,
    readyFired: false,
    privilegedSchemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  };
});

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  class FakeSession extends EventEmitter {
    handlers: Record<string, unknown> = {};
    setPermissionRequestHandler(f: unknown) {
      this.handlers['request'] = f;
    }
    setPermissionCheckHandler(f: unknown) {
      this.handlers['check'] = f;
    }
    setDevicePermissionHandler(f: unknown) {
      this.handlers['device'] = f;
    }
    setDisplayMediaRequestHandler(f: unknown) {
      this.handlers['display'] = f;
    }
    webRequest = {
      onHeadersReceived: (f: unknown) => {
        this.handlers['headers'] = f;
      },
    };
  }
  const defaultSession = Object.assign(new FakeSession(), {
    protocol: {
      handle: (scheme: string, f: (req: Request) => Promise<Response>) => h.protocolHandlers.set(scheme, f),
    },
  });
  let nextId = 1;
  class FakeWebContents extends EventEmitter {
    id = nextId++;
    session = defaultSession;
    url = '';
    sent: unknown[][] = [];
    destroyed = false;
    windowOpenHandler: unknown = null;
    setWindowOpenHandler(f: unknown) {
      this.windowOpenHandler = f;
    }
    getURL() {
      return this.url;
    }
    isDestroyed() {
      return this.destroyed;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
    reload() {}
  }
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    whenReady: () =>
      new Promise<void>((resolve) => {
        h.ready = resolve;
      }),
    isReady: () => h.ready === null,
    getPath: (name: string) => (name === 'userData' ? process.env['CT_TEST_USERDATA'] : '/nowhere'),
    getAppPath: () => process.env['CT_TEST_ROOT'],
    commandLine: { getSwitchValue: () => '' },
    enableSandbox: () => {
      h.sandboxEnabled = true;
    },
    setAppUserModelId: () => {},
    quit: () => {
      h.quit++;
    },
    exit: (code: number) => {
      h.exitCode = code;
    },
  });
  h.app = app;
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => h.windows;
    webContents = new FakeWebContents();
    loaded: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      super();
      h.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadFile(path: string) {
      this.loaded = path;
      this.webContents.url = (globalThis as { __toFileUrl?: (p: string) => string }).__toFileUrl?.(path) ?? '';
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.loaded = url;
      this.webContents.url = url;
      return Promise.resolve();
    }
    show() {}
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    isDestroyed() {
      return false;
    }
  }
  return {
    app,
    BrowserWindow,
    session: { defaultSession },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string; privileges: Record<string, boolean> }[]) => {
        // Electron only honours this before ready.
        if (h.readyFired) throw new Error('registerSchemesAsPrivileged after ready');
        h.privilegedSchemes.push(...schemes);
      },
    },
    dialog: { showErrorBox: () => {} },
    // A reversible stand-in for the OS keychain: the secrets file must not hold the plain text.
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(`sealed:${Buffer.from(s).toString('base64')}`),
      decryptString: (b: Buffer) => Buffer.from(b.toString().slice('sealed:'.length), 'base64').toString(),
    },
    Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => t },
    ipcMain: {
      handle: (ch: string, f: (event: unknown, ...args: unknown[]) => unknown) => h.ipcHandlers.set(ch, f),
      removeHandler: (ch: string) => h.ipcHandlers.delete(ch),
    },
  };
});

process.env['CT_TEST_USERDATA'] = userData;
process.env['CT_TEST_ROOT'] = root;
delete process.env['ELECTRON_RENDERER_URL'];
(globalThis as { __toFileUrl?: (p: string) => string }).__toFileUrl = (p) => pathToFileURL(p).href;

interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  loaded: string | null;
  webContents: EventEmitter & {
    id: number;
    url: string;
    sent: unknown[][];
    destroyed: boolean;
    windowOpenHandler: (d: unknown) => unknown;
  };
}

async function startApp() {
  await import('../../../src/main/index'); // gets the fake 'electron' above
  const app = h.app;
  if (!app) throw new Error('the electron mock was not used');
  expect(h.ready).toBeTypeOf('function');
  const ready = h.ready as unknown as () => void;
  h.ready = null;
  h.readyFired = true;
  ready();
  await vi.waitFor(() => expect(h.windows).toHaveLength(1));
  return { app, win: h.windows[0] as FakeWindow };
}

function invoke(win: FakeWindow, frameUrl: string, channel: string, input: unknown) {
  const handler = h.ipcHandlers.get('ct:invoke');
  if (!handler) throw new Error('ct:invoke is not registered');
  const event = { sender: win.webContents, senderFrame: { url: frameUrl, parent: null } };
  return handler(event, channel, input) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
}

describe('src/main/index.ts lifecycle (fake Electron, real store)', () => {
  it('starts, serves the router over IPC to the app page only, and closes the database on quit', async () => {
    const { app, win } = await startApp();
    expect(h.sandboxEnabled).toBe(true);
    expect(h.exitCode).toBeNull();

    // hardened window loading the built renderer with the CommonJS preload
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: true });
    expect(String(win.options.webPreferences['preload'])).toMatch(/preload[/\\]index\.cjs$/);
    // the built renderer, from the privileged app:// scheme (never file://), with traversal refused
    expect(win.loaded).toBe('app://countertop/index.html');
    expect(h.privilegedSchemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) }),
    ]);
    const serve = h.protocolHandlers.get('app')!;
    expect(serve).toBeTypeOf('function');
    expect((await serve(new Request('app://countertop/%2e%2e/%2e%2e/package.json'))).status).toBe(404);
    expect(win.webContents.windowOpenHandler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });

    // the store lives in userData and answers through the router
    expect(existsSync(join(userData, 'countertop.db'))).toBe(true);
    const appUrl = win.webContents.url;
    const status = await invoke(win, `${appUrl}#/`, 'app.status', {});
    expect(status.ok).toBe(true);
    expect(status.value).toMatchObject({ setupDone: false });

    // a malformed input is the router's VALIDATION; a foreign frame never reaches it
    expect((await invoke(win, appUrl, 'app.status', { surprise: 1 })).ok).toBe(false);
    expect(await invoke(win, 'https://evil.example/', 'app.status', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // closing the last window quits; will-quit removes IPC and closes the database
    const wal = join(userData, 'countertop.db-wal');
    expect(existsSync(wal)).toBe(true); // open in WAL mode
    app.emit('window-all-closed');
    expect(h.quit).toBe(1);
    let prevented = 0;
    app.emit('will-quit', { preventDefault: () => prevented++ });
    expect(h.ipcHandlers.has('ct:invoke')).toBe(false);
    // quitting waits for the shutdown (backup of a set-up store), then closes and quits again
    expect(prevented).toBe(1);
    await vi.waitFor(() => expect(h.quit).toBe(2));
    // SQLite checkpoints and removes the WAL when the last connection closes
    expect(existsSync(wal)).toBe(false);
    // the second will-quit goes through
    app.emit('will-quit', { preventDefault: () => prevented++ });
    expect(prevented).toBe(1);
  });
});
