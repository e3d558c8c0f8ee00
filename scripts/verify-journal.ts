import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DB_FILE } from '../src/main/app';
import { openConnection } from '../src/main/db/open';
import { defaultDataDir } from '../src/main/host/paths';
import { describeReport, journalReport } from '../src/main/journal/report';
import { fileSecretStore, secretsFileIn } from '../src/main/secrets/secrets';

/**
 * `npm run verify-journal -- --data DIR [--json]`: verifies the keyed hash chain of sales,
 * refunds, voids and Z reports in DIR/countertop.db, every journaled fact against its stored rows,
 * and the file's end against the newest entry the cloud saw from this till. The journal key is
 * read from DIR/secrets.key (kept outside the database file). Read only (works while the app runs).
 * Exit code 0: intact; 1: broken (the first broken entry is named, and what is wrong with it);
 * 2: could not check; 3: nothing wrong found, but keyed entries could not be checked (no key here).
 */
function main(): number {
  const { values } = parseArgs({ options: { data: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const dataDir = resolve(values.data ?? defaultDataDir());
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file)) {
    console.error(`No Countertop database at ${file}`);
    return 2;
  }
  const sqlite = openConnection(file, { fileMustExist: true });
  try {
    sqlite.pragma('query_only = ON');
    sqlite.pragma('busy_timeout = 5000');
    const report = journalReport({ sqlite, clock: Date.now, secrets: fileSecretStore(secretsFileIn(dataDir)) });
    if (values.json) console.log(JSON.stringify({ file, ...report }, null, 2));
    else for (const line of describeReport(file, report)) console.log(line);
    return report.ok ? 0 : report.problem === 'nokey' ? 3 : 1;
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
