import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../src/renderer/lib/save-file';

describe("the renderer's CSV downloads", () => {
  it('go through the shared writer: formulas neutralised, numbers kept, UTF-8 marked', () => {
    const csv = toCsv(
      ['name', 'qty', 'revenue'],
      [
        ['=HYPERLINK("http://x","y")', -5, '-1.50'],
        ['@cmd', null, '+1'],
      ],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = Papa.parse<string[]>(csv.slice(1), { header: false }).data;
    expect(rows[1]).toEqual([`'=HYPERLINK("http://x","y")`, '-5', '-1.50']);
    expect(rows[2]).toEqual(["'@cmd", '', "'+1"]);
  });
});
