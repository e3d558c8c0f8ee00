/**
 * The one CSV writer, used by main and the renderer alike, so every file a spreadsheet opens is
 * safe by construction (papaparse's `unparse` is banned elsewhere by the lint config).
 *
 * Rules:
 * - RFC 4180: cells holding `"`, `,`, CR or LF are quoted, inner quotes doubled; rows end in CRLF.
 * - Formula neutralisation: a text cell beginning with `=`, `+`, `-`, `@`, tab or CR would be run
 *   by a spreadsheet (`=HYPERLINK(...)`), so it gets a leading `'`, which spreadsheets show as
 *   text. A cell already starting with `'` followed by one of those gets one more, so that
 *   `fromCsvCell` (used by the imports) undoes exactly what was added.
 * - Numbers stay numbers: a JS number, or a text cell that is a plain decimal (`-5`, `-1.50`, as
 *   the exports write money and quantities), is written as it is. A plain decimal cannot be a
 *   formula, and a negative quantity must stay summable.
 */

export type CsvValue = string | number | boolean | null | undefined;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** Leading characters a spreadsheet reads as the start of a formula (or that hide one). */
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let s: string;
  if (typeof value === 'number') {
    // NaN or Infinity would reach the spreadsheet as words; there is no honest cell for them.
    s = Number.isFinite(value) ? String(value) : '';
  } else if (typeof value === 'boolean') {
    s = value ? 'true' : 'false';
  } else {
    s = PLAIN_NUMBER.test(value) || !FORMULA_START.test(value) ? value : `'${value}`;
  }
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record followed by CRLF (for writers that stream row by row). */
export function csvRow(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/**
 * A whole file: records separated by CRLF, no line break after the last (RFC 4180 allows both).
 * `bom`: a UTF-8 byte-order mark, so spreadsheet programs read Chinese names as UTF-8 (leave it
 * off when the caller adds it when saving).
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[], opts: { bom?: boolean } = {}): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return (opts.bom ? '\uFEFF' : '') + lines.join('\r\n');
}

/** A cell read back from a file this app wrote: the neutralising `'` is taken off again. */
export function fromCsvCell(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/**
 * Whether parsed cells are what `csvCell` would have written: nothing a spreadsheet would run.
 * Used to check a CSV the renderer asks main to save.
 */
export function isSpreadsheetSafeCell(cell: string): boolean {
  return PLAIN_NUMBER.test(cell) || !/^[=+\-@\t\r]/.test(cell);
}
