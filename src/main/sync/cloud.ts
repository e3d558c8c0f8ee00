/**
 * Connecting this terminal to a cloud, and the cloud actions people take from it: create the
 * organisation (first terminal), join one with a code (a new or rebuilt terminal), sign out,
 * sign in to the cloud as a manager, manage stores and terminals, read reports.
 */
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { AppError } from '../errors';
import { recordAudit } from '../audit/audit';
import { isSetupDone, readSettings, writeSettings } from '../settings/settings';
import { createHlc } from '../../shared/hlc';
import type { Enrolment, StaffSession } from '../../shared/sync/protocol';
import type { SessionStaff } from '../sessions';
import { SyncEngine, type SyncStatus } from './engine';
import { currentOutboxSeq, enqueueSnapshot, pendingCount } from './push';
import { cloudLink, forgetDeviceToken, saveDeviceToken, setState, type CloudLink } from './state';
import { CloudCallError, CloudClient, NetworkError } from './transport';
import { offlineCardSummary } from './offline-cards';
import { localStaffChanges } from './staff';

/** A cloud failure as an error the clerk can read (the renderer localizes `messageKey`). */
export function cloudError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof NetworkError) return new AppError('IO', err.message, { messageKey: 'sync.err.offline' });
  if (err instanceof CloudCallError) {
    const d = { cloud: err.code, ...err.extra };
    switch (err.code) {
      case 'VALIDATION':
        return new AppError('VALIDATION', err.message, [{ path: [], message: err.message }]);
      case 'UNAUTHENTICATED':
        return new AppError('CONFLICT', err.message, { ...d, messageKey: 'sync.err.revoked' });
      case 'STAFF_SIGN_IN':
        return new AppError('CONFLICT', err.message, { ...d, messageKey: 'sync.err.cloudSignIn', cloudSignIn: true });
      case 'WRONG_PIN':
        return new AppError('CONFLICT', err.message, { ...d, messageKey: 'sync.err.wrongPin' });
      case 'LOCKED':
        return new AppError('LOCKED', err.message, d);
      case 'FORBIDDEN':
        return new AppError('FORBIDDEN', err.message, d);
      case 'BAD_CODE':
        return new AppError('NOT_FOUND', err.message, { ...d, messageKey: 'sync.err.badCode' });
      case 'NOT_FOUND':
        return new AppError('NOT_FOUND', err.message, d);
      case 'SIGNUP_CLOSED':
        return new AppError('FORBIDDEN', err.message, { ...d, messageKey: 'sync.err.signupClosed' });
      case 'SIGNUP_SECRET':
        return new AppError('FORBIDDEN', err.message, { ...d, messageKey: 'sync.err.signupSecret' });
      case 'RATE_LIMITED':
        return new AppError('CONFLICT', err.message, { ...d, messageKey: 'sync.err.rateLimited' });
      case 'BAD_ANSWER':
        return new AppError('IO', err.message, { ...d, messageKey: 'sync.err.notACloud' });
      default:
        if (err.status >= 500) return new AppError('IO', err.message, { ...d, messageKey: 'sync.err.cloudError' });
        return new AppError('CONFLICT', err.message, d);
    }
  }
  return new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw cloudError(err);
  }
}

function requireLink(deps: Pick<Deps, 'sqlite'>): CloudLink {
  const link = cloudLink(deps.sqlite);
  if (!link) throw new AppError('CONFLICT', 'This terminal is not connected to a cloud', { messageKey: 'sync.err.notConnected' });
  return link;
}

/** A client that speaks as this terminal; refused when this machine does not hold its token. */
function requireClient(deps: Pick<Deps, 'sqlite'>, engine: SyncEngine): CloudClient {
  const client = engine.client(requireLink(deps));
  if (!client) throw new AppError('CONFLICT', 'This terminal must join its organisation again', { messageKey: 'sync.err.rejoin' });
  return client;
}

function saveLink(deps: Deps, e: Enrolment, serverUrl: string): CloudLink {
  saveDeviceToken(deps.secrets, e.device.id, e.token);
  const link: CloudLink = {
    serverUrl,
    orgId: e.org.id,
    orgName: e.org.name,
    storeId: e.store.id,
    storeName: e.store.name,
    deviceId: e.device.id,
    terminalCode: e.device.terminalCode,
    enrolledAt: deps.clock(),
  };
  setState(deps.sqlite, 'cloud', link);
  setState(deps.sqlite, 'mutationBase', currentOutboxSeq(deps));
  setState(deps.sqlite, 'cursor', 0);
  return link;
}

export function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** The first terminal: creates the organisation with this store, then sends everything it has. */
export async function createOrganisation(
  deps: Deps,
  engine: SyncEngine,
  actor: SessionStaff,
  input: { serverUrl: string; orgName: string; terminalName?: string; signupSecret?: string },
): Promise<SyncStatus> {
  if (cloudLink(deps.sqlite))
    throw new AppError('CONFLICT', 'This terminal is already connected to a cloud', { messageKey: 'sync.err.alreadyConnected' });
  if (!isSetupDone(deps)) throw new AppError('SETUP_REQUIRED', 'Set up the store first');
  const serverUrl = normaliseUrl(input.serverUrl);
  const settings = readSettings(deps);
  const client = new CloudClient(engine.transport, serverUrl);
  const e = await call(() =>
    client.createOrg({
      orgName: input.orgName,
      storeName: settings.storeName || input.orgName,
      terminalName: input.terminalName ?? `Till ${deps.terminalCode}`,
      terminalCode: deps.terminalCode,
      ...(input.signupSecret ? { signupSecret: input.signupSecret } : {}),
      // The organisation starts with this terminal's staff; afterwards only a signed-in admin changes them.
      staff: localStaffChanges(deps),
    }),
  );
  inTransaction(deps.sqlite, () => {
    if (cloudLink(deps.sqlite)) throw new AppError('CONFLICT', 'This terminal is already connected to a cloud');
    saveLink(deps, e, serverUrl);
    enqueueSnapshot(deps);
    recordAudit(deps, {
      staffId: actor.id,
      action: 'sync.createOrg',
      target: e.org.id,
      details: { serverUrl, orgName: input.orgName },
      success: true,
    });
  });
  engine.reset();
  engine.linked();
  return engine.syncNow();
}

/**
 * A fresh terminal joins with a one-time code: it takes the terminal code the cloud gives it
 * (a rebuilt terminal keeps its old one, and its order numbers continue), then downloads its
 * organisation and store. It is set up once that first download is complete.
 */
export async function joinOrganisation(
  deps: Deps,
  engine: SyncEngine,
  input: { serverUrl: string; code: string; terminalName?: string },
): Promise<SyncStatus> {
  if (cloudLink(deps.sqlite))
    throw new AppError('CONFLICT', 'This terminal is already connected to a cloud', { messageKey: 'sync.err.alreadyConnected' });
  if (isSetupDone(deps))
    throw new AppError('CONFLICT', 'Only a terminal that is not set up yet can join with a code', { messageKey: 'sync.err.joinSetUp' });
  const serverUrl = normaliseUrl(input.serverUrl);
  const client = new CloudClient(engine.transport, serverUrl);
  const e = await call(() => client.enrol({ code: input.code, terminalName: input.terminalName ?? 'Till' }));
  inTransaction(deps.sqlite, () => {
    if (cloudLink(deps.sqlite) || isSetupDone(deps)) throw new AppError('CONFLICT', 'This terminal changed while joining');
    saveLink(deps, e, serverUrl);
    setState(deps.sqlite, 'joining', true);
    adoptTerminalCode(deps, e.device.terminalCode);
  });
  engine.reset();
  engine.linked();
  return engine.syncNow();
}

/** The terminal's code names its orders and is its clock's node: a joining terminal takes the cloud's. */
export function adoptTerminalCode(deps: Deps, code: string): void {
  if (deps.terminalCode !== code) {
    deps.terminalCode = code;
    deps.hlc = createHlc(code, deps.clock);
  }
  writeSettings(deps, { terminalCode: code });
}

/**
 * Disconnects this terminal from the cloud (its data stays here). Refused while card payments
 * taken offline are unsent: they would never reach the cloud. Other unsent changes need an
 * explicit confirmation.
 */
export async function signOutOfCloud(
  deps: Deps,
  engine: SyncEngine,
  actor: SessionStaff,
  input: { discardPending: boolean },
): Promise<SyncStatus> {
  const link = requireLink(deps);
  const cards = offlineCardSummary(deps);
  if (cards.count > 0)
    throw new AppError('CONFLICT', `${cards.count} card payment(s) taken offline have not reached the cloud yet`, {
      messageKey: 'sync.err.unsentOfflineCards',
      count: cards.count,
    });
  const pending = pendingCount(deps);
  if (pending > 0 && !input.discardPending)
    throw new AppError('CONFLICT', `${pending} change(s) have not reached the cloud yet`, {
      messageKey: 'sync.err.pendingChanges',
      count: pending,
    });
  try {
    await engine.client(link)?.leave();
  } catch {
    // Offline or already revoked: the terminal still disconnects; an admin can revoke it later.
  }
  inTransaction(deps.sqlite, () => {
    for (const k of ['cloud', 'mutationBase', 'cursor', 'joining', 'lastError'] as const) setState(deps.sqlite, k, null);
    deps.sqlite.prepare('DELETE FROM sync_clocks').run();
    recordAudit(deps, { staffId: actor.id, action: 'sync.signOut', target: link.orgId, details: { pending }, success: true });
  });
  forgetDeviceToken(deps.secrets, link.deviceId);
  engine.reset();
  engine.linked();
  return engine.status();
}

/** Managers' cloud sign-ins, per router session (memory only: a restart asks again). */
export class CloudSessions {
  private readonly byKey = new Map<string, { staffId: string; session: StaffSession }>();

  get(sessionKey: string, staffId: string, now: number): StaffSession | null {
    const hit = this.byKey.get(sessionKey);
    if (!hit || hit.staffId !== staffId || hit.session.expiresAt <= now) return null;
    return hit.session;
  }

  set(sessionKey: string, staffId: string, session: StaffSession): void {
    this.byKey.set(sessionKey, { staffId, session });
  }

  drop(sessionKey: string): void {
    this.byKey.delete(sessionKey);
  }
}

export async function cloudSignIn(
  deps: Deps,
  engine: SyncEngine,
  sessions: CloudSessions,
  sessionKey: string,
  staff: SessionStaff,
  pin: string,
) {
  const client = requireClient(deps, engine);
  const session = await call(() => client.staffSignIn({ staffId: staff.id, pin }));
  sessions.set(sessionKey, staff.id, session);
  return session;
}

/** Runs a cloud call that needs the signed-in manager's cloud session. */
export async function withStaff<T>(
  deps: Deps,
  engine: SyncEngine,
  sessions: CloudSessions,
  sessionKey: string,
  staff: SessionStaff,
  fn: (client: CloudClient, staffToken: string) => Promise<T>,
): Promise<T> {
  const client = requireClient(deps, engine);
  const s = sessions.get(sessionKey, staff.id, deps.clock());
  if (!s) throw new AppError('CONFLICT', 'Sign in to the cloud first', { messageKey: 'sync.err.cloudSignIn', cloudSignIn: true });
  try {
    return await fn(client, s.token);
  } catch (err) {
    const e = cloudError(err);
    if ((e.details as { cloudSignIn?: boolean } | undefined)?.cloudSignIn) sessions.drop(sessionKey);
    throw e;
  }
}
