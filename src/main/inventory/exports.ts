import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Deps } from '../deps';
import { AppError } from '../errors';

/** Saves a file the user asked for under exports/ (never overwriting one: "name (2).pdf"). */
export function saveExport(deps: Pick<Deps, 'exportsDir'>, fileName: string, base64: string): { path: string } {
  if (!deps.exportsDir) throw new AppError('IO', 'This store has no data folder to save files in');
  const safe = basename(fileName);
  mkdirSync(deps.exportsDir, { recursive: true });
  const ext = extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const path = join(deps.exportsDir, n === 1 ? safe : `${stem} (${n})${ext}`);
    try {
      writeFileSync(path, Buffer.from(base64, 'base64'), { flag: 'wx' });
      return { path };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw new AppError('IO', `Could not save ${safe}: ${(err as Error).message}`);
    }
  }
  throw new AppError('IO', `Too many files named ${safe}`);
}
