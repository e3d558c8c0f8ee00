import type { StaffRole } from '../shared/api/define';

export interface SessionStaff {
  id: string;
  name: string;
  role: StaffRole;
}

export interface Session {
  staff: SessionStaff | null;
  lastActivity: number;
}

/**
 * Sessions live in main's memory, keyed by transport: `wc:<webContents id>` in Electron, the
 * host's issued session id otherwise. A restart signs everyone out; carts are in the database.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  get(key: string): Session | undefined {
    return this.sessions.get(key);
  }

  ensure(key: string, now: number): Session {
    let s = this.sessions.get(key);
    if (!s) {
      s = { staff: null, lastActivity: now };
      this.sessions.set(key, s);
    }
    return s;
  }

  has(key: string): boolean {
    return this.sessions.has(key);
  }

  drop(key: string): void {
    this.sessions.delete(key);
  }
}

export interface IssuedSessionLimits {
  /** A session unused this long is forgotten. */
  idleMs: number;
  /** A session is forgotten this long after it was issued, used or not. */
  lifetimeMs: number;
  /** Sessions kept at once; issuing one more forgets the oldest. */
  max: number;
}

/** A till's page opens one session per tab and reopens one when forgotten; a day covers a shift. */
export const HOST_SESSION_LIMITS: IssuedSessionLimits = { idleMs: 8 * 3600_000, lifetimeMs: 24 * 3600_000, max: 64 };

/**
 * Session ids the headless host hands out: random, bounded in number, and expiring, so a leaked
 * or abandoned id stops working and nobody can grow the host's memory by asking for sessions.
 * `onDrop` is told of every id forgotten (the router then forgets its sign-in).
 */
export class IssuedSessions {
  private readonly issued = new Map<string, { issuedAt: number; usedAt: number }>();

  constructor(
    private readonly limits: IssuedSessionLimits,
    private readonly clock: () => number,
    private readonly newId: () => string,
    private readonly onDrop: (id: string) => void = () => undefined,
  ) {}

  issue(): string {
    const now = this.clock();
    this.sweep(now);
    // Map order is issue order: the first key is the oldest.
    while (this.issued.size >= this.limits.max) this.drop(this.issued.keys().next().value!);
    const id = this.newId();
    this.issued.set(id, { issuedAt: now, usedAt: now });
    return id;
  }

  /** True (and the session counts as used) while `id` is issued and has not expired. */
  use(id: string | undefined | null): boolean {
    if (!id) return false;
    const s = this.issued.get(id);
    if (!s) return false;
    const now = this.clock();
    if (this.expired(s, now)) {
      this.drop(id);
      return false;
    }
    s.usedAt = now;
    return true;
  }

  get size(): number {
    return this.issued.size;
  }

  private expired(s: { issuedAt: number; usedAt: number }, now: number): boolean {
    return now - s.usedAt > this.limits.idleMs || now - s.issuedAt > this.limits.lifetimeMs;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.issued) if (this.expired(s, now)) this.drop(id);
  }

  private drop(id: string): void {
    this.issued.delete(id);
    this.onDrop(id);
  }
}
