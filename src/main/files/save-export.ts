import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import Papa from 'papaparse';
import { isSpreadsheetSafeCell } from '../../shared/csv';

/**
 * The bytes must be what the name says: a user opens the file by its name, so a ".pdf" that is a
 * script or a ".csv" that runs formulas would be trusted for what it claims to be.
 * - .pdf: starts with the PDF magic `%PDF-`;
 * - .csv: UTF-8 text without NUL, whose every cell is what the shared CSV writer would have
 *   written (nothing a spreadsheet runs as a formula);
 * - .zpl: a thermal label, printable text starting with `^XA`.
 */
export function checkExportContent(fileName: string, bytes: Buffer): void {
  const refuse = (why: string, key: string) => {
    throw new AppError('VALIDATION', `${fileName} was not saved: ${why}`, { messageKey: key });
  };
  if (/\.pdf$/i.test(fileName)) {
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') refuse('it is not a PDF', 'inv.err.notPdf');
    return;
  }
  if (/\.csv$/i.test(fileName)) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return refuse('it is not UTF-8 text', 'inv.err.notCsv');
    }
    if (text.includes('\u0000')) refuse('it is not text', 'inv.err.notCsv');
    const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: true, delimiter: ',' });
    if (parsed.errors.some((e) => e.code !== 'UndetectableDelimiter')) refuse('it is not a well-formed CSV file', 'inv.err.notCsv');
    for (const row of parsed.data)
      for (const cell of row) if (!isSpreadsheetSafeCell(cell)) refuse('a cell would run as a spreadsheet formula', 'inv.err.unsafeCsv');
    return;
  }
  if (/\.zpl$/i.test(fileName)) {
    // A label for a thermal printer: printable text that starts a ZPL format (^XA).
    const text = bytes.toString('latin1');
    const control = [...text].some((ch) => {
      const code = ch.charCodeAt(0);
      return (code < 0x20 && ch !== '\n' && ch !== '\r' && ch !== '\t') || code === 0x7f;
    });
    if (!/^\s*\^XA/.test(text) || control) refuse('it is not a ZPL label', 'inv.err.notZpl');
    return;
  }
  refuse('only PDF, CSV and ZPL files are saved', 'inv.err.notCsv');
}

/** Saves a file the user asked for under exports/ (never overwriting one: "name (2).pdf"). */
export function saveExport(deps: Pick<Deps, 'exportsDir'>, fileName: string, base64: string): { path: string } {
  if (!deps.exportsDir) throw new AppError('IO', 'This store has no data folder to save files in');
  const safe = basename(fileName);
  const bytes = Buffer.from(base64, 'base64');
  checkExportContent(safe, bytes);
  mkdirSync(deps.exportsDir, { recursive: true });
  const ext = extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const path = join(deps.exportsDir, n === 1 ? safe : `${stem} (${n})${ext}`);
    try {
      writeFileSync(path, bytes, { flag: 'wx' });
      return { path };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw new AppError('IO', `Could not save ${safe}: ${(err as Error).message}`);
    }
  }
  throw new AppError('IO', `Too many files named ${safe}`);
}
