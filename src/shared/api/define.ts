import type { z } from 'zod';

/** Least role that may call a channel. `public` works before sign-in (setup, the sign-in screen). */
export const ROLES = ['public', 'clerk', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type StaffRole = Exclude<Role, 'public'>;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/**
 * `true`: the router runs the handler inside one transaction (it must be synchronous).
 * `'own'`: it writes, but first awaits work off the main thread (a PIN hash), then opens its own
 * short transactions. `false`: read only.
 */
export type Writes = boolean | 'own';

export interface ChannelDef<I extends z.ZodType, O, W extends Writes> {
  input: I;
  role: Role;
  writes: W;
  /**
   * A writing channel that edits a working copy (the open cart): its transaction commits without
   * waiting for the disk's flush. It survives the app being killed; a power cut may lose its last
   * edits, never a sale (see `Durability` in src/main/db/open.ts).
   */
  draft?: true;
  /** Phantom: carries the output type only. */
  output?: O;
}

/** Declares a channel: `channel<Output>()({ input, role, writes })`. */
export function channel<O>() {
  return <I extends z.ZodType, W extends Writes>(def: { input: I; role: Role; writes: W; draft?: true }) => def as ChannelDef<I, O, W>;
}
