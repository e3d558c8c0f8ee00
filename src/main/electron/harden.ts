/**
 * Wires the pure decisions of policy.ts into Electron: navigation, new windows, webviews,
 * permissions, devices, downloads and the CSP header, for every webContents and session.
 */
import { app, type Session, type WebContents } from 'electron';
import { isAllowedNavigation, shouldAllowPermission, windowOpenAction } from './policy';
import { withCspHeader } from './window-options';

export interface HardenOptions {
  /** The app's own page (app://countertop/index.html, or the dev server URL). */
  appUrl: string;
  /** Content-Security-Policy header value for every response of the session. */
  csp: string;
  /** Called with a short reason when something is blocked (logging). */
  onBlocked?: (what: string, detail: string) => void;
}

const hardenedSessions = new WeakSet<Session>();
const hardenedContents = new WeakSet<WebContents>();

export function hardenSession(ses: Session, opts: HardenOptions): void {
  if (hardenedSessions.has(ses)) return;
  hardenedSessions.add(ses);
  const blocked = opts.onBlocked ?? (() => {});

  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const allow = shouldAllowPermission(permission, details.requestingUrl, opts.appUrl);
    if (!allow) blocked('permission-request', permission);
    callback(allow);
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => shouldAllowPermission(permission, requestingOrigin, opts.appUrl));
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => {
    blocked('display-media', 'request');
    callback({});
  });
  ses.on('will-download', (event, item) => {
    blocked('download', item.getURL());
    event.preventDefault();
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, opts.csp) });
  });
}

/** Navigation, redirects, new windows and webviews for one webContents (and its session). */
export function hardenWebContents(contents: WebContents, opts: HardenOptions): void {
  if (hardenedContents.has(contents)) return;
  hardenedContents.add(contents);
  hardenSession(contents.session, opts);
  const blocked = opts.onBlocked ?? (() => {});

  const guard = (event: { url: string; preventDefault(): void }, kind: string) => {
    if (!isAllowedNavigation(event.url, opts.appUrl)) {
      event.preventDefault();
      blocked(kind, event.url);
    }
  };
  contents.on('will-navigate', (event) => guard(event, 'navigate'));
  contents.on('will-frame-navigate', (event) => guard(event, 'frame-navigate'));
  contents.on('will-redirect', (event) => guard(event, 'redirect'));
  contents.setWindowOpenHandler((details) => {
    blocked('window-open', details.url);
    return windowOpenAction();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    blocked('webview', 'attach');
  });
}

/** Applies hardenWebContents to every webContents the app ever creates (windows, devtools, any other). */
export function installGlobalGuards(opts: HardenOptions): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, opts));
}
