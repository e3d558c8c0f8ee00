/**
 * What a connection keeps between calls (prepared statements, sync's table metadata and flags, the
 * SQL functions it registered) is its own: made with it, dropped with it. A restore swaps the
 * connection, and the restored store must run on nothing of the replaced one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backupFileName } from '../../src/main/backup/files';
import { openConnection, openStore, type Sqlite } from '../../src/main/db/open';
import { cachedStatement } from '../../src/main/db/statements';
import { MIGRATIONS_DIR } from '../../src/main/host/paths';
import { isTracking, setTracking } from '../../src/main/sync/tracking';
import { metaOf } from '../../src/main/sync/tables';
import { uuidv7 } from '../../src/shared/ids';
import { ADMIN_PIN, fail, makeApp, ok, readyStore } from '../support/app';

type App = ReturnType<typeof makeApp>;
const dirs: string[] = [];
const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ct-conn-'));
  dirs.push(d);
  return d;
}

const COLA = '5000112637922';
const BREAD = '4006381333931';

async function sell(app: App, code: string) {
  const cart = await ok(app, 'cart.scan', { code });
  return ok(app, 'sales.complete', { cartId: cart.id!, checkoutId: uuidv7(), tenders: [{ kind: 'cash', amount: 100_000 }] });
}

const statementsOf = (sqlite: Sqlite): Statement[] => [...sqlite.state.statements.values()];

describe('per-connection state', () => {
  it('a restored store prepares its own statements and metadata; none of the replaced connection’s is used', async () => {
    const dir = tempDir();
    const app = makeApp({ dataDir: dir, quiet: true });
    closers.push(() => app.close());
    const { adminId } = await readyStore(app);
    const first = await sell(app, COLA);
    const backup = await ok(app, 'backup.create', {});
    await sell(app, BREAD);

    const old = app.deps.sqlite;
    const oldStatements = new Set(statementsOf(old));
    const oldMeta = metaOf(old, 'product');
    expect(oldStatements.size).toBeGreaterThan(10);

    // A hostile "backup" (not a Countertop database) is refused: the store keeps its connection and what it prepared.
    const foreign = backupFileName(Date.now(), 'manual');
    writeFileSync(join(dir, 'backups', foreign), 'SQLite format 3\u0000 but not really');
    expect((await fail(app, 'backup.restore', { name: foreign })).code).toBe('CONFLICT');
    expect(app.deps.sqlite).toBe(old);
    expect((await ok(app, 'sales.recent', { limit: 10 })).length).toBe(2);

    await ok(app, 'backup.restore', { name: backup.name });
    const now = app.deps.sqlite;
    expect(now).not.toBe(old);
    expect(old.open).toBe(false);

    // The clerk sees the backup's sales, and the next sale continues its numbering.
    await ok(app, 'staff.signIn', { staffId: adminId, pin: ADMIN_PIN });
    expect((await ok(app, 'sales.recent', { limit: 10 })).map((o) => o.number)).toEqual([first.number]);
    expect((await sell(app, BREAD)).number).toBe('T1-000002');
    expect((await ok(app, 'catalog.search', { q: 'cola' })).map((h) => h.name)).toEqual(['Cola 330ml']);

    // Everything the sale and the search ran was prepared on the new connection.
    const fresh = statementsOf(now);
    expect(fresh.length).toBeGreaterThan(10);
    for (const s of fresh) {
      expect(oldStatements.has(s), s.source).toBe(false);
      expect(s.database, s.source).toBe(now);
    }
    const meta = metaOf(now, 'product');
    expect(meta).not.toBe(oldMeta);
    expect(meta?.select.database).toBe(now);
  });

  it('two connections to one file share nothing: statements, sync metadata and tracking flags', () => {
    const dir = tempDir();
    const file = join(dir, 'countertop.db');
    const store = openStore(file, MIGRATIONS_DIR);
    const other = openConnection(file, { fileMustExist: true });
    closers.push(
      () => other.open && other.close(),
      () => store.sqlite.open && store.sqlite.close(),
    );
    const sql = 'SELECT COUNT(*) FROM products';

    const a = cachedStatement(store.sqlite, sql, 'pluck');
    const b = cachedStatement(other, sql, 'pluck');
    expect(a).not.toBe(b);
    expect(cachedStatement(store.sqlite, sql, 'pluck')).toBe(a); // a second call is the same statement
    expect(cachedStatement(store.sqlite, sql)).not.toBe(a); // another row mode is another statement
    expect(metaOf(store.sqlite, 'product')).not.toBe(metaOf(other, 'product'));

    setTracking(store.sqlite, true);
    expect(isTracking(store.sqlite)).toBe(true);
    expect(isTracking(other)).toBe(false);

    // Closing one leaves the other working.
    store.sqlite.close();
    expect(b.get()).toBe(0);
  });

  it('a file that is not a database: the connection refuses to prepare, caches nothing and can be closed', () => {
    const dir = tempDir();
    const file = join(dir, 'not-a-store.db');
    writeFileSync(file, 'PK\u0003\u0004 a zip file renamed to .db, with some more bytes to fill a page');
    const conn = openConnection(file, { fileMustExist: true });
    closers.push(() => conn.open && conn.close());
    expect(() => cachedStatement(conn, 'SELECT COUNT(*) FROM products')).toThrow(/not a database|file is (encrypted|not a database)/i);
    expect(conn.state.statements.size).toBe(0);
    conn.close();
    expect(() => openStore(file, MIGRATIONS_DIR)).toThrow(/not a database/i);
  });
});
