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
import type { Enrolment, StaffChange, StaffSession } from '../../shared/sync/protocol';
import type { SessionStaff } from '../sessions';
import type { SyncStatus } from './engine';
import type { CloudSignIns, SyncService } from './service';
import { currentOutboxSeq, enqueueSnapshot, pendingCount } from './push';
import { cloudLink, deviceToken, forgetDeviceToken, getState, saveDeviceToken, setState, type CloudLink } from './state';
import { CloudCallError, CloudClient, NetworkError } from './transport';
import { offlineCardSummary } from './offline-cards';
import { localStaffChanges } from './staff';
import { allSyncEntities } from '../../shared/sync/entities';
import { stmt } from './tables';
import type { SqlRow } from '../db/rows';
import type { outbox } from '../db/schema';

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
function requireClient(deps: Pick<Deps, 'sqlite'>, engine: SyncService): CloudClient {
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
  engine: SyncService,
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
  engine: SyncService,
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

/** Outbox entries for facts this terminal made under `code` that the cloud has not acknowledged. */
function unsentOwnFacts(deps: Pick<Deps, 'sqlite'>, code: string): number {
  const base = getState(deps.sqlite, 'mutationBase') ?? 0;
  let n = 0;
  for (const spec of allSyncEntities()) {
    if (!spec.terminalField) continue;
    n += stmt(
      deps.sqlite,
      `SELECT COUNT(*) FROM outbox o JOIN "${spec.table}" r ON r."${spec.key}" = o.entity_id
       WHERE o.seq > ? AND o.entity = ? AND r."${spec.terminalField}" = ?`,
      'pluck',
    ).get(base, spec.entity, code) as number;
  }
  return n;
}

/**
 * Queues every record the new device may write: all mutable records (merged per field at the
 * cloud, so an older value loses) and the facts without a terminal or made under `code`. Other
 * terminals' facts stay out: the cloud refuses them from this device, and it has them already.
 */
function enqueueOwnSnapshot(deps: Pick<Deps, 'sqlite' | 'ids' | 'clock' | 'hlc'>, code: string): number {
  const ins = stmt(
    deps.sqlite,
    "INSERT INTO outbox (id, entity, entity_id, op, payload, hlc, at) VALUES (?, ?, ?, 'update', '{\"snapshot\":true}', ?, ?)",
  );
  let n = 0;
  for (const spec of allSyncEntities()) {
    if (spec.kind === 'local' || spec.devices === 'none') continue;
    const where = spec.terminalField ? ` WHERE "${spec.terminalField}" = ?` : '';
    const keys = deps.sqlite
      .prepare(`SELECT "${spec.key}" FROM "${spec.table}"${where} ORDER BY rowid`)
      .pluck()
      .all(...(spec.terminalField ? [code] : [])) as string[];
    for (const k of keys) {
      if (spec.localKeys?.includes(k)) continue;
      ins.run(deps.ids(), spec.entity, k, deps.hlc.now(), deps.clock());
      n += 1;
    }
  }
  return n;
}

function rejoinRefused(messageKey: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('CONFLICT', message, { messageKey, ...extra });
}

/**
 * A set-up terminal whose link has no token on this machine (a backup restored elsewhere, a new
 * disk) enrols again with a one-time code. The code must be for the link's organisation and
 * store; otherwise nothing changes here and the device the code just made is released.
 *
 * The terminal keeps its terminal code when the code replaces it (the old device is revoked, its
 * order numbers continue). A plain code gives a new terminal code; it is taken only when no sale,
 * refund or shift made under the old code is still unsent, since the cloud takes those only from
 * the terminal that owns the code.
 *
 * The new device starts its mutation ids at 1: every unsent outbox entry is kept and renumbered,
 * and a copy of everything it may write is queued (the cloud may lack what a restored file made
 * after the backup it came from; applying anything twice changes nothing). It then pulls the whole
 * log, its own facts included, and moves its counters past the cloud's last numbers.
 */
export async function rejoinOrganisation(
  deps: Deps,
  engine: SyncService,
  actor: SessionStaff,
  input: { code: string; serverUrl?: string | undefined },
): Promise<SyncStatus> {
  const link = requireLink(deps);
  if (deviceToken(deps.secrets, link))
    throw rejoinRefused('sync.err.rejoinNotNeeded', 'This terminal is connected; it does not need to join again');
  const serverUrl = input.serverUrl ? normaliseUrl(input.serverUrl) : link.serverUrl;
  const e = await call(() =>
    new CloudClient(engine.transport, serverUrl).enrol({ code: input.code, terminalName: `Till ${link.terminalCode}` }),
  );
  const keepsCode = e.device.terminalCode === link.terminalCode;
  let refusal: AppError | null = null;
  if (e.org.id !== link.orgId)
    refusal = rejoinRefused('sync.err.rejoinOtherOrg', `That code is for another organisation (${e.org.name})`, { org: e.org.name });
  else if (e.store.id !== link.storeId)
    refusal = rejoinRefused('sync.err.rejoinOtherStore', `That code is for another store (${e.store.name})`, { store: e.store.name });
  else if (e.replaces !== null && !keepsCode)
    refusal = rejoinRefused('sync.err.rejoinOtherTerminal', `That code replaces terminal ${e.replaces}, not ${link.terminalCode}`, {
      replaces: e.replaces,
      terminal: link.terminalCode,
    });
  else if (!keepsCode) {
    const unsent = unsentOwnFacts(deps, link.terminalCode);
    if (unsent > 0)
      refusal = rejoinRefused(
        'sync.err.rejoinNeedsReplace',
        `${unsent} sale(s), refund(s) or shift(s) of ${link.terminalCode} are unsent: use a code that replaces ${link.terminalCode}`,
        { count: unsent, terminal: link.terminalCode },
      );
  }
  if (refusal) {
    // The code is spent either way; the device it made must not linger as an unknown terminal.
    await new CloudClient(engine.transport, serverUrl, e.token).leave().catch(() => undefined);
    inTransaction(deps.sqlite, () =>
      recordAudit(deps, {
        staffId: actor.id,
        action: 'sync.rejoin',
        target: link.orgId,
        details: { refused: (refusal.details as { messageKey: string }).messageKey, codeOrg: e.org.id, codeStore: e.store.id },
        success: false,
      }),
    );
    throw refusal;
  }
  saveDeviceToken(deps.secrets, e.device.id, e.token);
  let queued = 0;
  inTransaction(deps.sqlite, () => {
    const now = cloudLink(deps.sqlite);
    if (!now || now.deviceId !== link.deviceId) throw new AppError('CONFLICT', 'This terminal changed while joining again');
    const oldBase = getState(deps.sqlite, 'mutationBase') ?? 0;
    const firstUnsent = stmt(deps.sqlite, 'SELECT MIN(seq) FROM outbox WHERE seq > ?', 'pluck').get(oldBase) as
      SqlRow<typeof outbox>['seq'] | null;
    setState(deps.sqlite, 'cloud', {
      ...link,
      serverUrl,
      orgName: e.org.name,
      storeName: e.store.name,
      deviceId: e.device.id,
      terminalCode: e.device.terminalCode,
      enrolledAt: deps.clock(),
    });
    // Unsent entries become the new device's ids 1, 2, …; nothing queued is dropped.
    setState(deps.sqlite, 'mutationBase', firstUnsent !== null ? firstUnsent - 1 : currentOutboxSeq(deps));
    if (!keepsCode) adoptTerminalCode(deps, e.device.terminalCode);
    queued = enqueueOwnSnapshot(deps, e.device.terminalCode);
    // A new device has no generation at the cloud, and its ids start afresh.
    setState(deps.sqlite, 'epoch', null);
    setState(deps.sqlite, 'cursor', 0);
    setState(deps.sqlite, 'resync', true);
    setState(deps.sqlite, 'lastError', null);
    recordAudit(deps, {
      staffId: actor.id,
      action: 'sync.rejoin',
      target: link.orgId,
      details: {
        serverUrl,
        fromDevice: link.deviceId,
        toDevice: e.device.id,
        terminalCode: e.device.terminalCode,
        previousCode: link.terminalCode,
        replaces: e.replaces,
        queued,
      },
      success: true,
    });
  });
  forgetDeviceToken(deps.secrets, link.deviceId);
  engine.reset();
  engine.linked();
  return engine.syncNow();
}

/**
 * Disconnects this terminal from the cloud (its data stays here). Refused while card payments
 * taken offline are unsent: they would never reach the cloud. Other unsent changes need an
 * explicit confirmation. A terminal whose token is not on this machine cannot send them at all
 * until it joins again, so there the payments too may be left behind, with their own confirmation.
 */
export async function signOutOfCloud(
  deps: Deps,
  engine: SyncService,
  actor: SessionStaff,
  input: { discardPending: boolean; discardOfflineCards?: boolean | undefined },
): Promise<SyncStatus> {
  const link = requireLink(deps);
  const tokenless = deviceToken(deps.secrets, link) === null;
  const cards = offlineCardSummary(deps);
  if (cards.count > 0 && !tokenless)
    throw new AppError('CONFLICT', `${cards.count} card payment(s) taken offline have not reached the cloud yet`, {
      messageKey: 'sync.err.unsentOfflineCards',
      count: cards.count,
    });
  if (cards.count > 0 && !input.discardOfflineCards)
    throw new AppError('CONFLICT', `${cards.count} card payment(s) taken offline can reach the cloud only if this terminal joins again`, {
      messageKey: 'sync.err.unsentOfflineCardsRejoin',
      count: cards.count,
      total: cards.total,
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
    recordAudit(deps, {
      staffId: actor.id,
      action: 'sync.signOut',
      target: link.orgId,
      details: { pending, tokenless, offlineCards: cards.count, offlineCardTotal: cards.total },
      success: true,
    });
  });
  forgetDeviceToken(deps.secrets, link.deviceId);
  engine.reset();
  engine.linked();
  return engine.status();
}

/** Managers' cloud sign-ins, per router session (memory only: a restart asks again). */
export class CloudSessions implements CloudSignIns {
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
  engine: SyncService,
  sessions: CloudSignIns,
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
  engine: SyncService,
  sessions: CloudSignIns,
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

/**
 * Sends staff changes to the cloud under the deciding admin's identity, stamped now, and answers
 * that stamp (the terminal's row keeps it); throws when it cannot.
 */
export type StaffPublisher = (changes: Omit<StaffChange, 'c'>[]) => Promise<string>;

/** The publisher for `staff` deciding on router session `sessionKey`; null when this terminal has no cloud. */
export function staffPublisher(
  deps: Deps,
  engine: SyncService,
  sessions: CloudSignIns,
  sessionKey: string,
  staff: SessionStaff,
): StaffPublisher | null {
  if (!cloudLink(deps.sqlite)) return null;
  return async (changes) => {
    const c = deps.hlc.now();
    await withStaff(deps, engine, sessions, sessionKey, staff, (client, token) =>
      client.putStaff(
        token,
        changes.map((ch) => ({ ...ch, c })),
      ),
    );
    return c;
  };
}
