import { describe, expect, it } from 'vitest';
import { encodeReceipt } from '../../../src/main/receipts/escpos';
import { sampleDoc, sampleOrder } from './sample-order';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

function indexOf(haystack: Uint8Array, needle: number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
const contains = (h: Uint8Array, n: number[]) => indexOf(h, n) >= 0;

/** The text a Chinese-mode printer would print from each FS & … FS . run, decoded as GBK. */
function kanjiRuns(bytes: Uint8Array): string[] {
  const runs: string[] = [];
  const gbk = new TextDecoder('gbk');
  let at = 0;
  while ((at = indexOf(bytes, [FS, 0x26], at)) >= 0) {
    const end = indexOf(bytes, [FS, 0x2e], at + 2);
    runs.push(gbk.decode(bytes.subarray(at + 2, end)));
    at = end + 2;
  }
  return runs;
}

describe('ESC/POS receipt', () => {
  const en = sampleDoc('en', sampleOrder({ currency: 'GBP' }));

  it('starts with ESC @ and ends with a cut', () => {
    for (const width of [58, 80] as const) {
      const bytes = encodeReceipt(en, { width, kickDrawer: false });
      expect([...bytes.subarray(0, 2)]).toEqual([ESC, 0x40]);
      expect([...bytes.subarray(-3)]).toEqual([GS, 0x56, 0x01]);
    }
  });

  it('carries the order number as a Code128 barcode (GS k 73, set B)', () => {
    const bytes = encodeReceipt(en, { width: 80, kickDrawer: false });
    const data = ascii('{BS-000123');
    expect(contains(bytes, [GS, 0x6b, 73, data.length, ...data])).toBe(true);
  });

  it('kicks the cash drawer (ESC p) only when asked', () => {
    const pulse = [ESC, 0x70, 0x00];
    expect(contains(encodeReceipt(en, { width: 58, kickDrawer: true }), pulse)).toBe(true);
    expect(contains(encodeReceipt(en, { width: 58, kickDrawer: false }), pulse)).toBe(false);
  });

  it('lays the text out for the paper: 32 columns on 58 mm, 48 on 80 mm', () => {
    const narrow = encodeReceipt(en, { width: 58, kickDrawer: false });
    const wide = encodeReceipt(en, { width: 80, kickDrawer: false });
    expect(contains(narrow, [...ascii('-'.repeat(32)), 0x0a])).toBe(true);
    expect(contains(narrow, ascii('-'.repeat(33)))).toBe(false);
    expect(contains(wide, [...ascii('-'.repeat(48)), 0x0a])).toBe(true);
    expect(contains(narrow, ascii('TOTAL'))).toBe(true);
    // £ comes through the code page (cp437 0x9C), not as "?".
    expect(contains(narrow, [...ascii('TOTAL' + ' '.repeat(22)), 0x9c, ...ascii('6.02')])).toBe(true);
  });

  it('English receipts never switch the printer to Chinese mode', () => {
    expect(contains(encodeReceipt(en, { width: 80, kickDrawer: false }), [FS, 0x26])).toBe(false);
  });

  it('prints Chinese in GBK inside FS & … FS . runs, and ¥ through the code page', () => {
    const zh = sampleDoc('zh-CN', sampleOrder({ currency: 'CNY' }));
    const bytes = encodeReceipt(zh, { width: 58, kickDrawer: true });
    const runs = kanjiRuns(bytes);
    expect(runs.some((r) => r.includes('富士苹果'))).toBe(true);
    expect(runs.some((r) => r.startsWith('合计'))).toBe(true);
    expect(runs.some((r) => r.includes('谢谢惠顾，欢迎再次光临！'))).toBe(true);
    // 苹果 in GBK is C6BB B9FB.
    expect(contains(bytes, [0xc6, 0xbb, 0xb9, 0xfb])).toBe(true);
    // ¥ (U+00A5) leaves Chinese mode and prints from code page 437 (0x9D).
    expect(contains(bytes, [FS, 0x2e, ESC, 0x74, 0x00, 0x9d])).toBe(true);
    // Still a complete receipt.
    expect([...bytes.subarray(0, 2)]).toEqual([ESC, 0x40]);
    expect([...bytes.subarray(-3)]).toEqual([GS, 0x56, 0x01]);
    const data = ascii('{BS-000123');
    expect(contains(bytes, [GS, 0x6b, 73, data.length, ...data])).toBe(true);
  });

  it('leaves out the barcode rather than encode an order number Code128 cannot carry', () => {
    const odd = sampleDoc('en', { ...sampleOrder(), number: '订单-1' });
    const bytes = encodeReceipt(odd, { width: 80, kickDrawer: false });
    expect(contains(bytes, [GS, 0x6b])).toBe(false);
    expect([...bytes.subarray(-3)]).toEqual([GS, 0x56, 0x01]);
  });
});
