import type { z } from 'zod';

/** Least role that may call a channel. `public` works before sign-in (setup, the sign-in screen). */
export const ROLES = ['public', 'clerk', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type StaffRole = Exclude<Role, 'public'>;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export interface ChannelDef<I extends z.ZodType, O, W extends boolean> {
  input: I;
  role: Role;
  writes: W;
  /** Phantom: carries the output type only. */
  output?: O;
}

/** Declares a channel: `channel<Output>()({ input, role, writes })`. */
export function channel<O>() {
  return <I extends z.ZodType, W extends boolean>(def: { input: I; role: Role; writes: W }) =>
    def as ChannelDef<I, O, W>;
}
