/**
 * The renderer is served from `app://countertop/`, a custom protocol, rather than file://: a
 * file:// page shares the opaque origin "null" with every other local file and (unless the
 * grantFileProtocolExtraPrivileges fuse is off, as it is in electron-builder.yml) gets
 * privileges a web page never has. Pure data and functions here (type-only 'electron' import),
 * so the scheme's privileges and the path resolution are tested in plain Node.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { CustomScheme } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'countertop';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads, and what navigation and IPC sender checks compare against. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered with protocol.registerSchemesAsPrivileged before the app is ready. `standard` gives
 * the scheme a real origin (relative URLs, localStorage per origin) and `secure` makes it a
 * secure context; everything that would widen it (bypassing the CSP, service workers, CORS
 * fetches from other origins, extensions) stays off.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
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
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
};

/**
 * The file under `rootDir` an app:// URL names, or null. Only our host; the path is decoded once
 * and refused when malformed, when it holds `..`, a backslash or NUL (encoded or not), or when
 * it would land outside `rootDir`. A path without an extension is the app itself (index.html).
 */
export function resolveAppFile(url: string, rootDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username || parsed.password) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').some((s) => s === '..' || s === '.')) return null;
  const rel = path.replace(/^\/+/, '');
  if (rel === '' || !extname(rel)) return join(rootDir, 'index.html');
  const root = normalize(rootDir);
  const file = normalize(join(root, rel));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

/** The protocol handler's answer: the file with its type, or 404 (nothing else is said). */
export async function appProtocolResponse(url: string, rootDir: string): Promise<Response> {
  const file = resolveAppFile(url, rootDir);
  if (!file) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
