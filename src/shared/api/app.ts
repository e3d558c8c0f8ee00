import { z } from 'zod';
import { safeLine, safeText } from '../text';
import { channel } from './define';
import * as c from './common';
import type { AppStatus, SessionInfo, StaffSummary, StoreSettings, TaxRate, TaxRateInfo } from './types';

export const appContract = {
  'app.status': channel<AppStatus>()({ input: c.empty, role: 'public', writes: false }),
  'setup.run': channel<AppStatus>()({
    input: z
      .object({
        storeName: c.name,
        currency: c.currency,
        priceMode: z.enum(['inclusive', 'exclusive']),
        timezone: c.timezone,
        language: c.language,
        taxRates: z
          .array(z.object({ name: c.name, rateBp: c.bp, isDefault: z.boolean() }))
          .min(1)
          .max(20),
        admin: z.object({ name: c.name, pin: c.pin }),
        demoData: z.boolean(),
      })
      .strict(),
    role: 'public',
    writes: 'own',
  }),
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
  'settings.get': channel<StoreSettings>()({ input: c.empty, role: 'clerk', writes: false }),
  'settings.update': channel<StoreSettings>()({
    input: z
      .object({
        storeName: c.name.optional(),
        language: c.language.optional(),
        timezone: c.timezone.optional(),
        discountLimitBp: c.bp.optional(),
        idleLockMinutes: z.number().int().min(1).max(240).optional(),
        receiptFooter: safeText(200, { trim: false }).optional(),
        negativeStock: z.enum(['allow', 'block']).optional(),
        printer: z
          .object({
            host: safeLine(253, { min: 1 }),
            port: z.number().int().min(1).max(65535),
            width: z.union([z.literal(58), z.literal(80)]),
          })
          .nullable()
          .optional(),
      })
      .strict(),
    role: 'admin',
    writes: true,
  }),
  'taxRates.list': channel<TaxRate[]>()({ input: c.empty, role: 'clerk', writes: false }),
  /** Settings' tax rates: every rate with its use; changes apply to new sales only. */
  'taxRates.manage': channel<TaxRateInfo[]>()({ input: c.empty, role: 'manager', writes: false }),
  'taxRates.create': channel<TaxRateInfo[]>()({
    input: z.object({ name: c.name, rateBp: c.bp, isDefault: z.boolean().optional() }).strict(),
    role: 'manager',
    writes: true,
  }),
  'taxRates.update': channel<TaxRateInfo[]>()({
    input: z
      .object({
        id: c.id,
        name: c.name.optional(),
        rateBp: c.bp.optional(),
        isDefault: z.literal(true).optional(),
        archived: z.boolean().optional(),
      })
      .strict(),
    role: 'manager',
    writes: true,
  }),
};
