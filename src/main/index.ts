/**
 * Electron entry: lifecycle only. The store (database, router, domains) is created by createApp;
 * everything Electron-specific lives in ./electron.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, protocol, safeStorage, session } from 'electron';
import { createApp } from './app';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolResponse } from './electron/app-protocol';
import { fileSecretStore, secretsFileIn } from './secrets/secrets';
import { safeStorageSealer } from './electron/sealer';
import { hardenSession, hardenWebContents, installGlobalGuards, type HardenOptions } from './electron/harden';
import { registerIpc, type IpcTransport } from './electron/ipc';
import { installMenu } from './electron/menu';
import { appUrlFor, rendererTarget } from './electron/policy';
import { contentSecurityPolicy, mainWindowOptions } from './electron/window-options';

const APP_NAME = 'Countertop';
const isDev = !app.isPackaged;

/** `--countertop-data=DIR` overrides the database folder (tests, a second profile); default userData. */
function dataDirectory(): string {
  const override = app.commandLine.getSwitchValue('countertop-data');
  const dir = override || app.getPath('userData');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Migrations and the demo catalog ship as extraResources (electron-builder.yml) in a packaged app. */
function migrationsDirectory(): string {
  return app.isPackaged ? join(process.resourcesPath, 'migrations') : join(app.getAppPath(), 'src/main/db/migrations');
}

/** The folder holding `demo/` (catalog.json): process.resourcesPath when packaged, ./resources in dev. */
function resourcesDirectory(): string {
  return app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error('[countertop] fatal:', message);
  if (app.isReady()) dialog.showErrorBox(`${APP_NAME} could not start`, message);
  app.exit(1);
}

function main(): void {
  const here = import.meta.dirname; // out/main
  const target = rendererTarget({
    isPackaged: app.isPackaged,
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
    indexHtmlPath: join(here, '../renderer/index.html'),
  });
  const appUrl = appUrlFor(target);
  const hardening: HardenOptions = {
    appUrl,
    csp: contentSecurityPolicy(target.kind === 'url' ? { devServerUrl: target.url } : {}),
    onBlocked: (what, detail) => console.warn(`[countertop] blocked ${what}: ${detail}`),
  };

  app.enableSandbox();
  // Custom schemes get their privileges only when registered before the app is ready.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  installGlobalGuards(hardening); // before any webContents exists

  let core: ReturnType<typeof createApp> | null = null;
  let ipc: IpcTransport | null = null;
  let win: BrowserWindow | null = null;
  const crashes: number[] = [];

  function createWindow(transport: IpcTransport): BrowserWindow {
    const w = new BrowserWindow(mainWindowOptions({ preloadPath: join(here, '../preload/index.cjs'), devTools: isDev, title: APP_NAME }));
    hardenWebContents(w.webContents, hardening);
    transport.attach(w.webContents);
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => {
      if (win === w) win = null;
    });
    // The cart lives in main, so a crashed renderer is reloaded; at most 3 times a minute.
    w.webContents.on('render-process-gone', (_event, details) => {
      console.error(`[countertop] renderer gone: ${details.reason}`);
      if (details.reason === 'clean-exit' || w.isDestroyed()) return;
      const now = Date.now();
      while (crashes.length > 0 && (crashes[0] ?? now) < now - 60_000) crashes.shift();
      crashes.push(now);
      if (crashes.length <= 3) w.webContents.reload();
    });
    const load = w.loadURL(target.url);
    load.catch((error: unknown) => console.error('[countertop] could not load the renderer:', error));
    return w;
  }

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app
    .whenReady()
    .then(() => {
      if (process.platform === 'win32') app.setAppUserModelId('app.countertop.pos');
      hardenSession(session.defaultSession, hardening);
      if (target.kind === 'app') {
        const root = target.root;
        session.defaultSession.protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request.url, root));
      }
      installMenu({ isDev, appName: APP_NAME });
      const dataDir = dataDirectory();
      core = createApp({
        dataDir,
        migrationsDir: migrationsDirectory(),
        resourcesDir: resourcesDirectory(),
        // After ready: safeStorage needs the app (and on Linux its keyring) up.
        secrets: fileSecretStore(secretsFileIn(dataDir), safeStorageSealer(safeStorage)),
      });
      ipc = registerIpc(core.router, {
        appUrl,
        onRejected: (reason, detail) => console.warn(`[countertop] ipc rejected (${reason}): ${detail}`),
      });
      win = createWindow(ipc);
      app.on('activate', () => {
        if (ipc && BrowserWindow.getAllWindows().length === 0) win = createWindow(ipc);
      });
    })
    .catch(fatal);

  // A till has one window; closing it quits on every platform so the database is closed cleanly.
  app.on('window-all-closed', () => app.quit());
  // Quitting waits once for the backup at shutdown (createApp's shutdown), then quits for real.
  let shutDown = false;
  app.on('will-quit', (event) => {
    ipc?.dispose();
    ipc = null;
    const closing = core;
    core = null;
    if (shutDown || !closing) return;
    shutDown = true;
    event.preventDefault();
    void closing
      .shutdown()
      .catch((error: unknown) => console.error('[countertop] shutdown:', error))
      .finally(() => {
        closing.close();
        app.quit();
      });
  });
}

if (app.requestSingleInstanceLock()) {
  main();
} else {
  app.quit();
}
