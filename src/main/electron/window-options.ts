/**
 * The main window's options and the Content-Security-Policy, as plain data.
 * Only type imports from 'electron' (erased at build time), so plain-Node tests can import this file.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** Security-relevant webPreferences. Every flag is spelled out, even where it equals Electron's default. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  experimentalFeatures: false,
  plugins: false,
  enableWebSQL: false,
  safeDialogs: true,
} as const satisfies WebPreferences;

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (out/preload/index.cjs). */
  preloadPath: string;
  /** DevTools only outside a packaged build. */
  devTools: boolean;
  title?: string;
  icon?: string;
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const options: BrowserWindowConstructorOptions = {
    title: input.title ?? 'Countertop',
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    show: false, // shown on 'ready-to-show': no white flash at the counter
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      ...SECURE_WEB_PREFERENCES,
      preload: input.preloadPath,
      devTools: input.devTools,
    },
  };
  if (input.icon) options.icon = input.icon;
  return options;
}

/** The strict policy for the built renderer. Keys are directives, values their source lists. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
});

function serialize(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The production Content-Security-Policy header value. */
export const CONTENT_SECURITY_POLICY = serialize(CSP_DIRECTIVES);

/**
 * The policy for a page: strict unless `devServerUrl` is given. The Vite dev server needs an inline
 * module script (React Fast Refresh preamble) and a WebSocket back to itself for HMR; nothing else
 * is relaxed, and a packaged app never passes a dev server URL.
 */
export function contentSecurityPolicy(opts: { devServerUrl?: string } = {}): string {
  if (!opts.devServerUrl) return CONTENT_SECURITY_POLICY;
  const dev = new URL(opts.devServerUrl);
  const ws = `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`;
  return serialize({
    ...CSP_DIRECTIVES,
    'script-src': ["'self'", "'unsafe-inline'"],
    'connect-src': ["'self'", ws],
  });
}

/** Response headers with our CSP replacing any Content-Security-Policy the response carried. */
export function withCspHeader(headers: Record<string, string | string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** Parse a policy string back into directives (used by tests and the dev-server meta rewrite). */
export function parseCsp(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}
