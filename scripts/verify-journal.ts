import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DB_FILE } from '../src/main/app';
import { defaultDataDir } from '../src/main/host/paths';
import { journalReport } from '../src/main/journal/report';

/**
 * `npm run verify-journal -- --data DIR [--json]`: verifies the hash chain of sales, refunds,
 * voids and Z reports in DIR/countertop.db, and every journaled sale against its stored rows.
 * Read only (works while the app runs). Exit code 0: intact; 1: broken (the first broken entry is
 * named); 2: could not check.
 */
function main(): number {
  const { values } = parseArgs({ options: { data: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const file = join(resolve(values.data ?? defaultDataDir()), DB_FILE);
  if (!existsSync(file)) {
    console.error(`No Countertop database at ${file}`);
    return 2;
  }
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    sqlite.pragma('query_only = ON');
    sqlite.pragma('busy_timeout = 5000');
    const report = journalReport({ sqlite, clock: Date.now });
    if (values.json) {
      console.log(JSON.stringify({ file, ...report }, null, 2));
    } else {
      const kinds = Object.entries(report.kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      console.log(`Journal of ${file}: ${report.entries} entries checked${kinds ? ` (${kinds})` : ''}.`);
      if (report.ok) console.log('OK: the chain is intact and every journaled sale matches its stored rows.');
      else {
        const b = report.firstBroken!;
        const what = report.firstBrokenNumber ? `${b.kind} ${report.firstBrokenNumber}` : b.kind;
        console.log(
          `BROKEN at entry #${b.seq} (${what}, id ${b.refId}): this entry or the record it covers was changed after it was written.`,
        );
        console.log('Entries after it cannot be trusted either.');
      }
    }
    return report.ok ? 0 : 1;
  } finally {
    sqlite.close();
  }
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`Could not verify the journal: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
