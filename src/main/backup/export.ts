import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportResult } from '../../shared/api/admin';
import { openConnection, type Sqlite } from '../db/open';
import { backupTo } from './files';
import { csvRow, type CsvValue } from '../../shared/csv';
import { moveTokenOut } from '../sync/state';
import { memorySecretStore } from '../secrets/secrets';

/** A SQLite value as a cell (text, number or empty); anything else as its text. */
const cell = (v: unknown): CsvValue => (typeof v === 'string' || typeof v === 'number' || v === null || v === undefined ? v : String(v));

const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : '');
/** Quantities are thousandths: 1500 → "1.500". */
const qty = (n: unknown) => (typeof n === 'number' ? (n / 1000).toFixed(3) : '');

interface CsvSpec {
  name: string;
  sql: string;
  columns: [header: string, pick: (row: Record<string, unknown>) => unknown][];
}

/** Money stays in integer minor units (cents, fen) with the currency beside it: exact, never floats. */
const SPECS: CsvSpec[] = [
  {
    name: 'orders.csv',
    sql: `SELECT o.*, s.name AS staff_name FROM orders o LEFT JOIN staff s ON s.id = o.staff_id ORDER BY o.created_at, o.rowid`,
    columns: [
      ['number', (r) => r.number],
      ['id', (r) => r.id],
      ['created_at', (r) => iso(r.created_at)],
      ['terminal', (r) => r.terminal_code],
      ['staff', (r) => r.staff_name],
      ['currency', (r) => r.currency],
      ['price_mode', (r) => r.price_mode],
      ['subtotal_minor', (r) => r.subtotal],
      ['discount_minor', (r) => r.discount_total],
      ['tax_minor', (r) => r.tax_total],
      ['total_minor', (r) => r.total],
      ['paid_minor', (r) => r.paid],
      ['change_minor', (r) => r.change],
    ],
  },
  {
    name: 'order_lines.csv',
    sql: `SELECT l.*, o.number AS order_number, o.currency FROM order_lines l JOIN orders o ON o.id = l.order_id
          ORDER BY o.created_at, o.rowid, l.position`,
    columns: [
      ['order_number', (r) => r.order_number],
      ['position', (r) => r.position],
      ['sku', (r) => r.sku],
      ['name', (r) => r.name],
      ['alt_name', (r) => r.alt_name],
      ['unit', (r) => r.unit],
      ['qty', (r) => qty(r.qty)],
      ['currency', (r) => r.currency],
      ['unit_price_minor', (r) => r.unit_price],
      ['discount_minor', (r) => r.discount],
      ['tax_rate_bp', (r) => r.tax_rate_bp],
      ['tax_minor', (r) => r.tax],
      ['total_minor', (r) => r.total],
    ],
  },
  {
    name: 'payments.csv',
    sql: `SELECT p.*, o.number AS order_number, o.currency FROM payments p JOIN orders o ON o.id = p.order_id
          ORDER BY o.created_at, o.rowid, p.rowid`,
    columns: [
      ['order_number', (r) => r.order_number],
      ['kind', (r) => r.kind],
      ['currency', (r) => r.currency],
      ['amount_minor', (r) => r.amount],
      ['tendered_minor', (r) => r.tendered],
      ['brand', (r) => r.brand],
      ['last4', (r) => r.last4],
      ['created_at', (r) => iso(r.created_at)],
    ],
  },
];

/** Streams one query to a CSV file (UTF-8 with BOM, so Excel reads Chinese names correctly). */
function writeCsv(sqlite: Sqlite, file: string, spec: CsvSpec): number {
  const fd = openSync(file, 'w');
  let rows = 0;
  try {
    let buf = '\uFEFF' + csvRow(spec.columns.map(([h]) => h));
    for (const row of sqlite.prepare(spec.sql).iterate() as IterableIterator<Record<string, unknown>>) {
      buf += csvRow(spec.columns.map(([, pick]) => cell(pick(row))));
      rows++;
      if (buf.length > 1 << 16) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return rows;
}

/**
 * An export leaves the shop (an accountant, a mail): its copy carries no PIN hash (4 to 8 digits
 * fall to an offline search) and no device token. Unlike a backup it is not for restoring, so
 * nobody needs to sign in with it. VACUUM rewrites the file, leaving no old bytes in free pages.
 */
function withoutCredentials(path: string): void {
  const copy = openConnection(path);
  try {
    copy.pragma('secure_delete = ON');
    copy.prepare("UPDATE staff SET pin_hash = ''").run();
    moveTokenOut(copy, memorySecretStore(), false);
    copy.exec('VACUUM');
  } finally {
    copy.close();
  }
}

/**
 * All data, in a new folder: the whole database (a consistent copy made with the backup API, which
 * opens with any SQLite tool, without credentials) plus the sales as CSV for spreadsheets and accountants.
 */
export async function exportAll(sqlite: Sqlite, exportsDir: string, at: number): Promise<ExportResult> {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  let folder = join(exportsDir, `countertop-export-${stamp}`);
  for (let n = 1; ; n++) {
    try {
      mkdirSync(folder, { recursive: false });
      break;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') mkdirSync(exportsDir, { recursive: true });
      else if ((err as { code?: string }).code === 'EEXIST') folder = join(exportsDir, `countertop-export-${stamp}-${n}`);
      else throw err;
    }
  }
  const files: ExportResult['files'] = [];
  await backupTo(sqlite, join(folder, 'countertop.db'));
  withoutCredentials(join(folder, 'countertop.db'));
  files.push({ name: 'countertop.db', rows: null, bytes: statSync(join(folder, 'countertop.db')).size });
  for (const spec of SPECS) {
    const rows = writeCsv(sqlite, join(folder, spec.name), spec);
    files.push({ name: spec.name, rows, bytes: statSync(join(folder, spec.name)).size });
  }
  return { folder, files };
}
