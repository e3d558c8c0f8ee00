import type { StoreSettings } from '../../shared/api/types';
import type { Deps } from '../deps';
import { readSettings, writeSettings } from '../settings/settings';

/** The business-day cutoff lives in the settings table under its own key. */
export const CUTOFF_KEY = 'businessDayCutoff';

type WithCutoff = StoreSettings & { [CUTOFF_KEY]?: number };

export function businessDaySettings(deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>): { timezone: string; cutoffHour: number } {
  const s = readSettings(deps) as WithCutoff;
  const cutoff = s[CUTOFF_KEY];
  return { timezone: s.timezone, cutoffHour: typeof cutoff === 'number' && cutoff >= 0 && cutoff <= 12 ? cutoff : 0 };
}

export function writeCutoff(deps: Pick<Deps, 'db' | 'sqlite' | 'clock' | 'ids' | 'hlc' | 'settingsCache'>, cutoffHour: number): void {
  writeSettings(deps, { [CUTOFF_KEY]: cutoffHour } as Partial<StoreSettings>);
}
