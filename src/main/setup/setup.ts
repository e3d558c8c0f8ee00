import type { z } from 'zod';
import type { appContract } from '../../shared/api/app';
import type { AppStatus } from '../../shared/api/types';
import { inTransaction } from '../db/open';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { isSetupDone, markSetupDone, readSettings, writeSettings } from '../settings/settings';
import { hashPin } from '../staff/pin';
import { insertStaff } from '../staff/staff';
import { loadDemoCatalog } from './demo';
import { UNSTAMPED } from '../db/write-path';

export type SetupInput = z.output<(typeof appContract)['setup.run']['input']>;

export function appStatus(deps: Deps): AppStatus {
  const s = readSettings(deps);
  return {
    setupDone: isSetupDone(deps),
    storeName: s.storeName || null,
    language: s.language,
    currency: s.currency,
    terminalCode: deps.terminalCode,
  };
}

/** First run: the store, its tax rates, the admin, a stock location and (optionally) demo data, atomically. */
export async function runSetup(deps: Deps, input: SetupInput): Promise<AppStatus> {
  if (isSetupDone(deps)) throw new AppError('CONFLICT', 'This store is already set up');
  const defaults = input.taxRates.filter((r) => r.isDefault).length;
  if (defaults !== 1)
    throw new AppError('VALIDATION', 'Choose exactly one default tax rate', [{ path: ['taxRates'], message: 'exactly one default' }]);
  const pinHash = await hashPin(input.admin.pin, deps.pinParams);
  inTransaction(deps.sqlite, () => {
    // Re-check inside the transaction: two setup screens may race.
    if (isSetupDone(deps)) throw new AppError('CONFLICT', 'This store is already set up');
    writeSettings(deps, {
      storeName: input.storeName,
      currency: input.currency,
      priceMode: input.priceMode,
      timezone: input.timezone,
      language: input.language,
      terminalCode: deps.terminalCode,
    });
    for (const rate of input.taxRates) {
      const id = deps.ids();
      deps.sqlite
        .prepare('INSERT INTO tax_rates (id, name, rate_bp, is_default, archived, hlc) VALUES (?, ?, ?, ?, 0, ?)')
        .run(id, rate.name, rate.rateBp, rate.isDefault ? 1 : 0, UNSTAMPED);
    }
    const locationId = deps.ids();
    deps.sqlite
      .prepare('INSERT INTO stock_locations (id, name, is_default, hlc) VALUES (?, ?, 1, ?)')
      .run(locationId, input.language === 'zh-CN' ? '店面' : 'Shop floor', UNSTAMPED);
    const admin = insertStaff(deps, { name: input.admin.name, role: 'admin', pinHash }, null);
    if (input.demoData) loadDemoCatalog(deps, input.language, admin.id);
    markSetupDone(deps);
  });
  return appStatus(deps);
}
