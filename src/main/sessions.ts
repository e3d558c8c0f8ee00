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
