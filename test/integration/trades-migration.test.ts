import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/db/open';
import { MIGRATIONS_DIR } from '../../src/main/host/paths';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
  entries: { idx: number; tag: string; when: number }[];
};
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) if (s.sqlite.open) s.sqlite.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function through(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'countertop-mig17-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'meta'));
  const entries = journal.entries.slice(0, n);
  for (const e of entries) copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

describe('0017_payments_trades', () => {
  it('comes after 0016 with a later timestamp', () => {
    const i = journal.entries.findIndex((e) => e.tag === '0017_payments_trades');
    expect(i).toBe(17);
    expect(journal.entries[i]!.when).toBeGreaterThan(journal.entries[i - 1]!.when);
  });

  it('keeps the payments of a store from before, with no account; one open trade per cart, any number of closed ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'countertop-mig17db-'));
    dirs.push(root);
    const file = join(root, 'countertop.db');
    const old = openStore(file, through(17));
    stores.push(old);
    old.sqlite.exec(`INSERT INTO staff (id, name, role, pin_hash, active, created_at, hlc) VALUES ('s1', 'A', 'admin', 'x', 1, 0, 'h')`);
    old.sqlite
      .exec(`INSERT INTO orders (id, number, checkout_id, cart_id, terminal_code, staff_id, currency, price_mode, subtotal, discount_total,
      tax_total, total, paid, change, taxes, created_at) VALUES ('o1', 'T1-000001', 'c1', 'k1', 'T1', 's1', 'USD', 'inclusive', 100, 0, 0, 100, 100, 0, '[]', 1)`);
    old.sqlite.exec(`INSERT INTO payments (id, order_id, kind, amount, created_at) VALUES ('p1', 'o1', 'cash', 100, 1)`);
    old.sqlite.close();
    const s = openStore(file, MIGRATIONS_DIR);
    stores.push(s);
    expect(s.sqlite.prepare('SELECT id, kind, account FROM payments').all()).toEqual([{ id: 'p1', kind: 'cash', account: null }]);
    const ins = s.sqlite.prepare(
      `INSERT INTO trades (id, trade_no, cart_id, provider, method, mode, amount, currency, state, deadline, created_at, updated_at)
       VALUES (?, ?, 'cart', 'alipay', 'code', 'sandbox', 100, 'USD', ?, 0, 0, 0)`,
    );
    ins.run('a', 'N1', 'failed');
    ins.run('b', 'N2', 'cancelled');
    ins.run('c', 'N3', 'waiting');
    expect(() => ins.run('d', 'N4', 'unknown')).toThrow(/UNIQUE/);
    expect(() => ins.run('e', 'N1', 'failed')).toThrow(/UNIQUE/);
  });
});
