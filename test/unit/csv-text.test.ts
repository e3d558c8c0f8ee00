import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvCell, fromCsvCell, isSpreadsheetSafeCell, toCsv } from '../../src/shared/csv';
import { isSafeLine, isSafeText, safeLine, safeText } from '../../src/shared/text';

const parse = (csv: string) => Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { header: false, delimiter: ',' }).data;

describe('the shared CSV writer', () => {
  it('neutralises formulas, quotes per RFC 4180, keeps numbers numeric', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const s of ['+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1', '-']) expect(csvCell(s).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell("'=x")).toBe("''=x");
    expect(csvCell('-5')).toBe('-5');
    expect(csvCell('-1.50')).toBe('-1.50');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(toCsv(['a', 'b'], [['1', null]])).toBe('a,b\r\n1,');
    expect(toCsv(['a'], [], { bom: true })).toBe('\uFEFFa');
  });

  it('any text survives a round trip (write, parse, fromCsvCell), and no written cell starts a formula', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary-ascii' }), { minLength: 1, maxLength: 5 }), (row) => {
        const csv = toCsv(['h'.repeat(row.length)], [row]);
        const back = parse(csv)[1]!;
        for (const cell of back) expect(isSpreadsheetSafeCell(cell)).toBe(true);
        expect(back.map(fromCsvCell)).toEqual(row);
      }),
      { numRuns: 500 },
    );
  });

  it("papaparse's unparse is called nowhere in src or bench (one writer for every CSV)", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|tsx)$/.test(name)) files.push(p);
      }
    };
    walk(join(__dirname, '../../src'));
    walk(join(__dirname, '../../bench'));
    expect(files.filter((f) => /\bunparse\s*\(/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });
});

describe('safe text', () => {
  const hidden = ['\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\u061C', '\u200B', '\u200C', '\u200D', '\u200E', '\u200F'];
  const bidi = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2060', '\u2066', '\u2067', '\u2068', '\u2069', '\uFEFF', '\uD800'];

  it('refuses control, zero-width and direction characters; keeps every script and emoji without joiners', () => {
    for (const ch of [...hidden, ...bidi]) {
      expect(isSafeLine(`a${ch}b`), JSON.stringify(ch)).toBe(false);
      expect(isSafeText(`a${ch}b`), JSON.stringify(ch)).toBe(false);
      expect(safeLine(10).safeParse(`a${ch}b`).success).toBe(false);
    }
    for (const ok of ['Cola 330ml', '苹果', 'Ünïcödé', 'ﾊﾝｶｸ', 'שלום', 'مرحبا', '😀', 'e\u0301']) expect(isSafeLine(ok), ok).toBe(true);
    expect(isSafeLine('a\tb')).toBe(false);
    expect(isSafeText('line one\r\n\tline two')).toBe(true);
    expect(safeText(50).safeParse('line one\n\tline two').success).toBe(true);
  });

  it('the refusal carries its message key for the renderer', () => {
    const r = safeLine(10).safeParse('a\u202Eb');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ code: 'custom', params: { messageKey: 'errors.unsafeText' } });
  });
});
