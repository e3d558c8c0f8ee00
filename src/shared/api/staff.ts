import { z } from 'zod';
import { channel } from './define';
import * as c from './common';
import type { SessionInfo, StaffSummary } from './types';

/** Signing in and out, and the staff list an admin keeps. */
export const staffContract = {
  'session.me': channel<SessionInfo>()({ input: c.empty, role: 'public', writes: false }),
  'staff.list': channel<StaffSummary[]>()({ input: c.empty, role: 'public', writes: false }),
  'staff.signIn': channel<SessionInfo>()({
    input: z.object({ staffId: c.id, pin: c.pin }).strict(),
    role: 'public',
    writes: 'own',
  }),
  'staff.signOut': channel<SessionInfo>()({ input: c.empty, role: 'clerk', writes: false }),
  'staff.create': channel<StaffSummary>()({
    input: z.object({ name: c.name, role: z.enum(['clerk', 'manager', 'admin']), pin: c.pin }).strict(),
    role: 'admin',
    writes: 'own',
  }),
  'staff.update': channel<StaffSummary>()({
    input: z
      .object({
        staffId: c.id,
        role: z.enum(['clerk', 'manager', 'admin']).optional(),
        pin: c.pin.optional(),
        active: z.boolean().optional(),
        unlock: z.boolean().optional(),
      })
      .strict(),
    role: 'admin',
    writes: 'own',
  }),
};
