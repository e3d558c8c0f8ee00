/**
 * The renderer's only door to main. Typed from the shared contract; two transports:
 * - Electron: the preload's `window.countertop` bridge (IPC);
 * - the headless host: HTTP on the same origin with a per-tab session id.
 * Every call answers the result envelope; nothing here throws.
 */
import type { Channel, EventName, Events, InputOf, OutputOf } from '../shared/api';
import type { ApiError, ErrorCode, Result } from '../shared/errors';

const SESSION_KEY = 'countertop.sessionId';
/** The host refuses pages opened without its per-launch token. */
export const NO_TOKEN = 'no access token: open the address printed by the host';

function bridge(): CountertopBridge | undefined {
  const w = window as Window & { countertop?: CountertopBridge };
  return w.countertop;
}

export const isElectron = (): boolean => bridge() !== undefined;

function fail(code: ErrorCode, message: string, details?: unknown): { ok: false; error: ApiError } {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const b = body as { ok: unknown; error?: unknown };
  if (b.ok === true) return 'value' in body;
  if (b.ok !== false || typeof b.error !== 'object' || b.error === null) return false;
  const e = b.error as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' && typeof e.message === 'string';
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------
// Auth-loss hook: SESSION_LOCKED / UNAUTHENTICATED outside sign-in means the session expired.

type AuthLostHandler = (error: ApiError) => void;
let authLost: AuthLostHandler | null = null;

export function onAuthLost(handler: AuthLostHandler | null): void {
  authLost = handler;
}

/** Channels where an auth error is an answer to the user, not an expired session. */
const AUTH_ANSWER_CHANNELS = new Set<string>(['staff.signIn', 'setup.run', 'app.status', 'session.me']);

// Recovery hook: main answers every call with `details.recovery` once the database was found
// damaged; the renderer then shows the recovery screen (should the event announcing it be missed).
let recoveryFound: (() => void) | null = null;

export function onRecovery(handler: (() => void) | null): void {
  recoveryFound = handler;
}

function carriesApproval(input: unknown): boolean {
  return typeof input === 'object' && input !== null && (input as { approval?: unknown }).approval !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Headless host session

let sessionRequest: Promise<Result<string>> | null = null;

function storedSession(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY);
  } catch {
    return null;
  }
}

function storeSession(id: string | null): void {
  try {
    if (id === null) sessionStorage.removeItem(SESSION_KEY);
    else sessionStorage.setItem(SESSION_KEY, id);
  } catch {
    // storage unavailable: the session lives only as long as this page
  }
  currentSession = id;
  for (const l of sessionListeners) l(id);
}

let currentSession: string | null = null;
const sessionListeners = new Set<(id: string | null) => void>();

async function createSession(): Promise<Result<string>> {
  let res: Response;
  try {
    res = await fetch('/api/session', { method: 'POST', credentials: 'same-origin' });
  } catch (e) {
    return fail('IO', `cannot reach the Countertop host: ${errorMessage(e)}`);
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  if (res.ok && typeof body === 'object' && body !== null && typeof (body as { sessionId?: unknown }).sessionId === 'string') {
    const id = (body as { sessionId: string }).sessionId;
    storeSession(id);
    return { ok: true, value: id };
  }
  if (isResult(body) && !body.ok) return body;
  if (res.status === 401 || res.status === 403) {
    return fail('UNAUTHENTICATED', NO_TOKEN);
  }
  return fail('IO', `host answered HTTP ${res.status}`);
}

function getSession(): Promise<Result<string>> {
  const known = currentSession ?? storedSession();
  if (known) {
    currentSession = known;
    return Promise.resolve({ ok: true, value: known });
  }
  if (!sessionRequest) {
    sessionRequest = createSession().finally(() => {
      sessionRequest = null;
    });
  }
  return sessionRequest;
}

/**
 * Opens the page's session with the host (headless host only) as soon as the script runs, before
 * React renders, so the first screen's questions do not wait for it.
 */
export function openSessionEarly(): void {
  if (!bridge()) void getSession();
}

async function httpInvoke(channel: string, input: unknown): Promise<Result<unknown>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const sid = await getSession();
    if (!sid.ok) return sid;
    let res: Response;
    try {
      res = await fetch('/api/invoke', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-session': sid.value },
        body: JSON.stringify({ channel, input }),
      });
    } catch (e) {
      return fail('IO', `cannot reach the Countertop host: ${errorMessage(e)}`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      if (res.status === 401 || res.status === 403) return fail('UNAUTHENTICATED', NO_TOKEN);
      return fail('IO', `host answered HTTP ${res.status} without a result`);
    }
    if (
      res.status === 401 &&
      attempt === 0 &&
      isResult(body) &&
      !body.ok &&
      body.error.code === 'UNAUTHENTICATED' &&
      body.error.message === 'unknown session'
    ) {
      // The host restarted or forgot us: open a new session and try once more.
      if (currentSession === sid.value) storeSession(null);
      continue;
    }
    if (isResult(body)) return body;
    return fail('IO', `host answered HTTP ${res.status}`);
  }
  return fail('UNAUTHENTICATED', 'unknown session');
}

// ---------------------------------------------------------------------------------------------
// invoke

export async function invoke<K extends Channel>(channel: K, input: InputOf<K>): Promise<Result<OutputOf<K>>> {
  const b = bridge();
  let result: Result<unknown>;
  if (b) {
    try {
      const r: unknown = await b.invoke(channel, input);
      result = isResult(r) ? r : fail('INTERNAL', 'malformed answer from main');
    } catch (e) {
      result = fail('IO', errorMessage(e));
    }
  } else {
    result = await httpInvoke(channel, input);
  }
  if (
    !result.ok &&
    (result.error.code === 'SESSION_LOCKED' || result.error.code === 'UNAUTHENTICATED') &&
    !AUTH_ANSWER_CHANNELS.has(channel) &&
    !carriesApproval(input) &&
    authLost
  ) {
    authLost(result.error);
  }
  if (!result.ok && result.error.code === 'IO' && channel !== 'app.status' && recoveryFound) {
    const details = result.error.details as { recovery?: unknown } | undefined;
    if (details?.recovery === true) recoveryFound();
  }
  return result as Result<OutputOf<K>>;
}

// ---------------------------------------------------------------------------------------------
// Events

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let source: EventSource | null = null;
let sourceSession: string | null = null;
let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
const attached = new Set<string>();

function dispatch(name: string, payload: unknown): void {
  for (const l of listeners.get(name) ?? []) {
    try {
      l(payload);
    } catch (e) {
      console.error('event listener failed', name, e);
    }
  }
}

function attach(es: EventSource, name: string): void {
  es.addEventListener(name, (ev) => {
    let payload: unknown;
    try {
      payload = JSON.parse((ev as MessageEvent<string>).data);
    } catch {
      return;
    }
    dispatch(name, payload);
  });
}

function closeSource(): void {
  source?.close();
  source = null;
  sourceSession = null;
  attached.clear();
}

function scheduleReconnect(): void {
  if (reconnectTimer) return;
  reconnectTimer = setTimeout(() => {
    reconnectTimer = null;
    // The stream may have been refused because the host forgot our session: a cheap call
    // renews it when needed (and the session listener then reopens the stream).
    void httpInvoke('session.me', {}).then(() => openSource());
  }, 2000);
}

async function openSource(): Promise<void> {
  if (listeners.size === 0) return;
  const sid = await getSession();
  if (!sid.ok) {
    scheduleReconnect();
    return;
  }
  if (source && sourceSession === sid.value && source.readyState !== EventSource.CLOSED) {
    for (const name of listeners.keys()) {
      if (!attached.has(name)) {
        attach(source, name);
        attached.add(name);
      }
    }
    return;
  }
  closeSource();
  const es = new EventSource('/api/events?session=' + encodeURIComponent(sid.value));
  source = es;
  sourceSession = sid.value;
  for (const name of listeners.keys()) {
    attach(es, name);
    attached.add(name);
  }
  es.onerror = () => {
    // EventSource retries by itself while the host answers; a refused stream ends up CLOSED.
    if (es.readyState === EventSource.CLOSED && source === es) {
      closeSource();
      scheduleReconnect();
    }
  };
}

sessionListeners.add((id) => {
  if (bridge()) return;
  if (id !== sourceSession) {
    closeSource();
    if (id !== null) void openSource();
  }
});

export function subscribe<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void {
  const b = bridge();
  if (b) {
    return b.on(event, (payload) => cb(payload as Events[E]));
  }
  let set = listeners.get(event);
  if (!set) {
    set = new Set();
    listeners.set(event, set);
  }
  const listener: Listener = (payload) => cb(payload as Events[E]);
  set.add(listener);
  void openSource();
  return () => {
    const s = listeners.get(event);
    s?.delete(listener);
    if (s && s.size === 0) listeners.delete(event);
    if (listeners.size === 0) closeSource();
  };
}
