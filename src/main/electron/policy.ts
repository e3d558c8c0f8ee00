/**
 * Security decisions for the Electron shell, as pure functions (no 'electron' import) so they are
 * unit-tested in plain Node. harden.ts and ipc.ts only wire these into Electron's events.
 *
 * "The app's own page" is:
 * - in a packaged / previewed build: the renderer served from app://countertop/ (app-protocol.ts),
 *   compared by origin. file:// is never the app: every local file shares the origin "null".
 * - in development: the electron-vite dev server (ELECTRON_RENDERER_URL), compared by origin.
 */

import { dirname } from 'node:path';
import { APP_HOST, APP_INDEX_URL, APP_SCHEME } from './app-protocol';

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when `url` is the app's own page (query and fragment ignored; in-app routes use them). */
export function isAppPage(url: string, appUrl: string): boolean {
  const target = parse(url);
  const app = parse(appUrl);
  if (!target || !app) return false;
  if (app.protocol === `${APP_SCHEME}:`) {
    return app.host === APP_HOST && target.protocol === app.protocol && target.host === APP_HOST && !target.username && !target.password;
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return target.protocol === app.protocol && target.origin === app.origin;
  }
  return false;
}

/**
 * Whether a navigation (will-navigate, will-frame-navigate, will-redirect) may proceed: only to the
 * app's own page. Everything else (remote sites, other local files, javascript:, data:, about:) is denied.
 */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  return isAppPage(url, appUrl);
}

/**
 * Whether an IPC message may reach the router: it must come from a frame showing the app's own page.
 * `frameUrl` is `event.senderFrame.url`; a missing frame (null, or disposed) is never trusted.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appUrl: string): boolean {
  if (typeof frameUrl !== 'string' || frameUrl === '') return false;
  return isAppPage(frameUrl, appUrl);
}

/**
 * Permission requests and checks (camera, microphone, geolocation, notifications, clipboard-read,
 * HID, serial, USB, openExternal, fullscreen, ...). A point-of-sale page needs none of them: the
 * barcode scanner is a keyboard, printing goes through main. Denied for every origin, including ours.
 */
export function shouldAllowPermission(_permission: string, _requestingUrl?: string, _appUrl?: string): boolean {
  return false;
}

/** window.open / target=_blank: never opens a new window. */
export function windowOpenAction(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Where the renderer is loaded from: the dev server, or the built folder (`root`, holding
 * index.html) served as app://countertop/.
 */
export type RendererTarget = { kind: 'url'; url: string } | { kind: 'app'; url: string; root: string };

/**
 * Dev server only when not packaged and electron-vite handed us an http(s) URL on the loopback
 * interface; otherwise the built renderer. A packaged app never follows ELECTRON_RENDERER_URL.
 */
export function rendererTarget(opts: { isPackaged: boolean; devServerUrl: string | undefined; indexHtmlPath: string }): RendererTarget {
  const dev = opts.devServerUrl ? parse(opts.devServerUrl) : null;
  if (!opts.isPackaged && dev && (dev.protocol === 'http:' || dev.protocol === 'https:') && isLoopbackHost(dev.hostname)) {
    return { kind: 'url', url: dev.href };
  }
  return { kind: 'app', url: APP_INDEX_URL, root: dirname(opts.indexHtmlPath) };
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** The URL the app's page has once loaded (what navigation and sender checks compare against). */
export function appUrlFor(target: RendererTarget): string {
  return target.url;
}
