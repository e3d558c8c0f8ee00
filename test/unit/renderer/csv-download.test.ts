import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { plainFileName, toCsv } from '../../../src/renderer/lib/save-file';
import { contract } from '../../../src/shared/api';

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

describe('a file saved in the desktop window', () => {
  it('gets a name files.save accepts, whatever the tracking number or store name held', () => {
    const schema = contract['files.save'].input;
    const names = ['label-1Z/999:AA.zpl', '库存-报表.csv', `${'x'.repeat(300)}.pdf`, '../../etc/passwd.pdf', 'packing-slip-T1-000001.pdf'];
    for (const name of names) {
      const plain = plainFileName(name);
      expect(schema.safeParse({ fileName: plain, base64: '' }).success, plain).toBe(true);
      expect(plain.slice(-4)).toBe(name.slice(-4));
    }
    expect(plainFileName('packing-slip-T1-000001.pdf')).toBe('packing-slip-T1-000001.pdf');
    expect(plainFileName('label-1Z/999:AA.zpl')).toBe('label-1Z-999-AA.zpl');
  });
});
