import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_SCALE_CONFIG,
  decodeScaleBarcode,
  ean13CheckDigit,
  encodeScaleBarcode,
  isValidEan13,
} from '../../src/shared/scale-barcode';

describe('EAN-13 check digit', () => {
  it('accepts real retail barcodes and rejects a wrong check digit', () => {
    expect(isValidEan13('4006381333931')).toBe(true);
    expect(isValidEan13('5000112637922')).toBe(true);
    expect(ean13CheckDigit('400638133393')).toBe(1);
    expect(isValidEan13('4006381333932')).toBe(false);
  });

  it('rejects anything that is not 13 digits', () => {
    for (const bad of ['', '400638133393', '40063813339310', '40063813339a1', ' 4006381333931', '4006381333931\n'])
      expect(isValidEan13(bad)).toBe(false);
  });

  it('catches every single-digit typo', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const code = body + String(ean13CheckDigit(body));
        expect(isValidEan13(code)).toBe(true);
        const typo = code.slice(0, pos) + String((Number(code[pos]) + delta) % 10) + code.slice(pos + 1);
        expect(isValidEan13(typo)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('scale labels', () => {
  it('decodes a weight label (prefix 21): PLU 00042, 0.532 kg', () => {
    const code = encodeScaleBarcode('21', '00042', 532);
    expect(code).toHaveLength(13);
    expect(code.startsWith('210004200532')).toBe(true);
    expect(decodeScaleBarcode(code)).toEqual({ kind: 'weight', plu: '00042', grams: 532 });
  });

  it('decodes a price label (prefix 26): PLU 12345, 4.50', () => {
    expect(decodeScaleBarcode(encodeScaleBarcode('26', '12345', 450))).toEqual({ kind: 'price', plu: '12345', minor: 450 });
  });

  it('a hand-made label: prefix 20, PLU 00042, 532 g, check digit computed by hand', () => {
    const body = '200004200532';
    let s = 0;
    for (let i = 0; i < 12; i++) s += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
    const check = (10 - (s % 10)) % 10;
    expect(decodeScaleBarcode(body + check)).toEqual({ kind: 'weight', plu: '00042', grams: 532 });
    expect(decodeScaleBarcode(body + ((check + 1) % 10))).toBeNull();
  });

  it('every prefix 20–29 round-trips; the default config splits weight 20–24 and price 25–29', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 29 }),
        fc.stringMatching(/^\d{5}$/),
        fc.integer({ min: 0, max: 99999 }),
        (prefix, plu, value) => {
          const code = encodeScaleBarcode(String(prefix), plu, value);
          expect(isValidEan13(code)).toBe(true);
          const decoded = decodeScaleBarcode(code);
          if (prefix <= 24) expect(decoded).toEqual({ kind: 'weight', plu, grams: value });
          else expect(decoded).toEqual({ kind: 'price', plu, minor: value });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('ordinary product barcodes and other prefixes are not scale labels', () => {
    expect(decodeScaleBarcode('4006381333931')).toBeNull();
    expect(decodeScaleBarcode('5000112637922')).toBeNull();
    expect(decodeScaleBarcode(encodeScaleBarcode('02', '00042', 532))).toBeNull();
    expect(decodeScaleBarcode(encodeScaleBarcode('30', '00042', 532))).toBeNull();
    expect(decodeScaleBarcode('21000420053')).toBeNull();
  });

  it('follows the store’s own prefix choice', () => {
    const config = { weightPrefixes: ['28'], pricePrefixes: ['20'] };
    expect(decodeScaleBarcode(encodeScaleBarcode('28', '00042', 250), config)).toEqual({ kind: 'weight', plu: '00042', grams: 250 });
    expect(decodeScaleBarcode(encodeScaleBarcode('20', '00042', 250), config)).toEqual({ kind: 'price', plu: '00042', minor: 250 });
    expect(decodeScaleBarcode(encodeScaleBarcode('21', '00042', 250), config)).toBeNull();
    expect(DEFAULT_SCALE_CONFIG.weightPrefixes).toContain('20');
  });

  it('pads a short PLU to five digits', () => {
    expect(decodeScaleBarcode(encodeScaleBarcode('22', '42', 1000))).toEqual({ kind: 'weight', plu: '00042', grams: 1000 });
  });
});
