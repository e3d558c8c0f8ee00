import type { z } from 'zod';
import { contract, roleRank, type Channel, type OutputOf, type ParsedInputOf, type WritesOf } from '../shared/api';
import type { Result } from '../shared/errors';
import { inTransaction } from './db/open';
import { checkpointAfterAnswer } from './db/checkpointer';
import type { Deps } from './deps';
import { AppError, errorFromUnknown } from './errors';
import { recordAudit } from './audit/audit';
import { readSettings } from './settings/settings';
import type { Session, SessionStaff, SessionStore } from './sessions';
import type { Cols } from './db/rows';
import type { staff } from './db/schema';

export interface Ctx {
  deps: Deps;
  sessionKey: string;
  session: Session;
}

/** The handler for a channel; writing handlers are synchronous because they run inside one transaction. */
export type Handler<K extends Channel> = (
  input: ParsedInputOf<K>,
  ctx: Ctx,
) => WritesOf<K> extends true ? OutputOf<K> : OutputOf<K> | Promise<OutputOf<K>>;

/** A missing or mistyped handler is a compile error. */
export type Handlers = { [K in Channel]: Handler<K> };

/** The handlers of one domain's contract (e.g. `HandlersFor<typeof inventoryContract>`), spread into handlers.ts. */
export type HandlersFor<C> = { [K in keyof C & Channel]: Handler<K> };

export interface Router {
  call(channel: string, input: unknown, sessionKey: string): Promise<Result<unknown>>;
  subscribe(sessionKey: string, listener: (event: string, payload: unknown) => void): () => void;
  dropSession(sessionKey: string): void;
}

export function staffOf(ctx: Ctx): SessionStaff {
  if (!ctx.session.staff) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return ctx.session.staff;
}

type Listener = (event: string, payload: unknown) => void;

/** The issue's parameters travel with it, so the renderer can word it in the UI's language. */
const ISSUE_PARAMS = ['code', 'expected', 'minimum', 'maximum', 'inclusive', 'exact', 'origin', 'format', 'divisor', 'keys', 'values'];

function issueDetails(issue: z.core.$ZodIssue): Record<string, unknown> {
  const out: Record<string, unknown> = { path: issue.path.map(String), message: issue.message };
  const raw = issue as unknown as Record<string, unknown>;
  for (const k of ISSUE_PARAMS) {
    const v = raw[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) out[k] = v;
  }
  // A refinement names its own message key (unsafe text), so the renderer can word it too.
  const params = raw['params'];
  if (typeof params === 'object' && params !== null && typeof (params as { messageKey?: unknown }).messageKey === 'string')
    out['messageKey'] = (params as { messageKey: string }).messageKey;
  return out;
}

export function createRouter(deps: Deps, handlers: Handlers, sessions: SessionStore, listeners: Map<string, Set<Listener>>): Router {
  const send = (key: string, event: string, payload: unknown) => {
    for (const l of listeners.get(key) ?? []) l(event, payload);
  };

  const staffRow = deps.sqlite.prepare('SELECT role, active FROM staff WHERE id = ?');

  async function call(channel: string, rawInput: unknown, sessionKey: string): Promise<Result<unknown>> {
    if (!Object.hasOwn(contract, channel))
      return { ok: false, error: { code: 'VALIDATION', message: `Unknown channel ${String(channel)}` } };
    const name = channel as Channel;
    const def = contract[name];
    // 1. Validate before anything else runs: a rejection never touches the database.
    const parsed = (def.input as z.ZodType).safeParse(rawInput ?? {});
    if (!parsed.success)
      return {
        ok: false,
        error: {
          code: 'VALIDATION',
          message: 'Invalid input',
          details: parsed.error.issues.map(issueDetails),
        },
      };

    // 2. Session and role.
    const now = deps.clock();
    const session = sessions.ensure(sessionKey, now);
    if (session.staff) {
      if (now - session.lastActivity > readSettings(deps).idleLockMinutes * 60_000) {
        session.staff = null;
        send(sessionKey, 'session.expired', { reason: 'idle' });
        if (def.role !== 'public')
          return { ok: false, error: { code: 'SESSION_LOCKED', message: 'Locked after inactivity: sign in again' } };
      } else {
        // Role changes and deactivation take effect at once, not at the next sign-in.
        const row = staffRow.get(session.staff.id) as Cols<typeof staff, 'role' | 'active'> | undefined;
        if (!row || row.active !== 1) {
          session.staff = null;
          send(sessionKey, 'session.expired', { reason: 'signedOut' });
        } else if (row.role !== session.staff.role) session.staff = { ...session.staff, role: row.role };
      }
    }
    if (def.role !== 'public') {
      if (!session.staff) return { ok: false, error: { code: 'UNAUTHENTICATED', message: 'Sign in first' } };
      if (roleRank(session.staff.role) < roleRank(def.role)) {
        try {
          inTransaction(deps.sqlite, () =>
            recordAudit(deps, {
              staffId: session.staff!.id,
              action: 'forbidden',
              target: name,
              details: { role: session.staff!.role, needs: def.role },
              success: false,
            }),
          );
        } catch {
          // Auditing a refusal must not turn it into another error.
        }
        return { ok: false, error: { code: 'FORBIDDEN', message: `This needs the ${def.role} role`, details: { needs: def.role } } };
      }
      session.lastActivity = now;
    }

    // 3. Run; a writing handler runs inside one transaction.
    const ctx: Ctx = { deps, sessionKey, session };
    const handler = handlers[name] as (input: unknown, ctx: Ctx) => unknown;
    try {
      const value =
        def.writes === true
          ? inTransaction(deps.sqlite, () => handler(parsed.data, ctx), def.draft ? 'draft' : 'full')
          : await handler(parsed.data, ctx);
      if (def.writes !== false) checkpointAfterAnswer(deps.sqlite, deps.checkpointer);
      return { ok: true, value };
    } catch (err) {
      const error = errorFromUnknown(err);
      if (error.code === 'INTERNAL') console.error(`[router] ${name} failed`, err);
      return { ok: false, error };
    }
  }

  return {
    call,
    subscribe(sessionKey, listener) {
      let set = listeners.get(sessionKey);
      if (!set) listeners.set(sessionKey, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    dropSession(sessionKey) {
      sessions.drop(sessionKey);
      listeners.delete(sessionKey);
    },
  };
}
