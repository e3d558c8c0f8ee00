/**
 * What a first download leaves for after the terminal is set up: the search entries of its
 * products (catalog/search-backlog.ts) and their level rows (inventory/level-rows.ts), both
 * written in the background in small transactions. Started when the download completes and again
 * at every start, so a terminal closed meanwhile finishes them.
 */
import type { Deps } from '../deps';
import { startSearchFill } from '../catalog/search-backlog';
import { startLevelFill } from '../inventory/level-rows';
import { getState, setState } from './state';

export function finishFirstDownload(deps: Pick<Deps, 'sqlite' | 'background'>): void {
  startSearchFill(deps);
  if (getState(deps.sqlite, 'levelsPending') === true) startLevelFill(deps, () => setState(deps.sqlite, 'levelsPending', null));
}
