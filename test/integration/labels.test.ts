/**
 * Shelf labels: the PDF renders (MuPDF → PNG) and each label's barcode decodes (ZXing) to the
 * item's own code — EAN-13, UPC-A, or Code 128 of the SKU when the item has no barcode.
 */
import { PNG } from 'pngjs';
import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import { describe, expect, it } from 'vitest';
import { ROLL, SHEET } from '../../src/main/labels/labels';
import { ok } from '../support/app';
import { stockWorld } from '../support/inventory';
import { pdfPageCount, pdfText, pdfToPng } from '../support/pdf';

const DPI = 200;
const PX = DPI / 72;

function render(base64: string): PNG[] {
  const bytes = Buffer.from(base64, 'base64');
  return Array.from({ length: pdfPageCount(bytes) }, (_, i) => PNG.sync.read(Buffer.from(pdfToPng(bytes, i + 1, DPI))));
}

function crop(png: PNG, x: number, y: number, w: number, h: number): { data: Uint8ClampedArray; width: number; height: number } {
  const out = new Uint8ClampedArray(w * h * 4);
  for (let r = 0; r < h; r++)
    png.data.copy(Buffer.from(out.buffer), r * w * 4, ((y + r) * png.width + x) * 4, ((y + r) * png.width + x + w) * 4);
  return { data: out, width: w, height: h };
}

function decode(img: { data: Uint8ClampedArray; width: number; height: number }): { text: string; format: string } | null {
  const reader = new MultiFormatReader();
  const hints = new Map();
  hints.set(DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.EAN_13, BarcodeFormat.UPC_A, BarcodeFormat.CODE_128, BarcodeFormat.QR_CODE]);
  hints.set(DecodeHintType.TRY_HARDER, true);
  reader.setHints(hints);
  const lum = new Uint8ClampedArray(img.width * img.height);
  for (let i = 0; i < lum.length; i++) lum[i] = (img.data[i * 4]! + img.data[i * 4 + 1]! + img.data[i * 4 + 2]!) / 3;
  try {
    const res = reader.decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(lum, img.width, img.height))));
    return { text: res.getText(), format: BarcodeFormat[res.getBarcodeFormat()]! };
  } catch {
    return null;
  }
}

/** Dark pixels in a region: a name drawn there leaves ink. */
function ink(img: { data: Uint8ClampedArray }): number {
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) if (img.data[i]! < 128) n++;
  return n;
}

describe('shelf labels', () => {
  it('a sheet of labels renders and every barcode decodes to its item’s code', async () => {
    const w = await stockWorld();
    const { app } = w;
    const upc = await ok(
      app,
      'catalog.create',
      { sku: 'UPC1', name: 'Peanut butter 340g', unit: 'each', price: 499, cost: 250, barcodes: ['036000291452'] },
      'mgr',
    );
    const bare = await ok(
      app,
      'catalog.create',
      { sku: 'TEA-GRN-50', name: '绿茶 50包', altName: 'Green tea 50 bags', unit: 'each', price: 1250, cost: 600, barcodes: [] },
      'mgr',
    );
    const items = [
      { p: w.cola, code: '5000112637922', format: 'EAN_13' },
      { p: upc, code: '036000291452', format: 'UPC_A' },
      { p: bare, code: 'TEA-GRN-50', format: 'CODE_128' },
      { p: w.bread, code: '4006381333931', format: 'EAN_13' },
    ];
    const pdf = await ok(
      app,
      'labels.pdf',
      { layout: 'sheet', items: [...items.map((i) => ({ productId: i.p.id, copies: 1 })), { productId: w.cola.id, copies: 25 }] },
      'mgr',
    );
    expect(pdf.labels).toBe(29);
    const pages = render(pdf.base64);
    expect(pages).toHaveLength(2);
    const page = pages[0]!;
    items.forEach((item, slot) => {
      const x = Math.round((SHEET.margin.left + (slot % SHEET.columns) * SHEET.pitch.x) * PX);
      const y = Math.round((SHEET.margin.top + Math.floor(slot / SHEET.columns) * SHEET.pitch.y) * PX);
      const cell = crop(page, x, y, Math.round(SHEET.label.width * PX), Math.round(SHEET.label.height * PX));
      expect(decode(cell), `label ${slot}`).toEqual({ text: item.code, format: item.format });
    });
    // The Chinese name is drawn (outlines, not missing glyphs): the top of its label has ink.
    const slot = 2;
    const x = Math.round((SHEET.margin.left + (slot % SHEET.columns) * SHEET.pitch.x) * PX);
    const y = Math.round(SHEET.margin.top * PX);
    expect(ink(crop(page, x + 5, y + 5, Math.round(SHEET.label.width * PX * 0.4), Math.round(7 * PX * 2)))).toBeGreaterThan(150);
    const text = pdfText(Buffer.from(pdf.base64, 'base64'));
    expect(text).toContain('Peanut butter 340g');
    expect(text).toContain('$4.99');
  });

  it('a roll prints one label per page with a decodable barcode', async () => {
    const w = await stockWorld();
    const pdf = await ok(
      w.app,
      'labels.pdf',
      {
        layout: 'roll',
        items: [
          { productId: w.bread.id, copies: 2 },
          { productId: w.apple.id, copies: 1 },
        ],
      },
      'mgr',
    );
    const pages = render(pdf.base64);
    expect(pages).toHaveLength(3);
    expect(pages[0]!.width).toBe(Math.round(ROLL.label.width * PX));
    const full = (p: PNG) => crop(p, 0, 0, p.width, p.height);
    expect(decode(full(pages[0]!))).toEqual({ text: '4006381333931', format: 'EAN_13' });
    // Apples have no barcode: Code 128 of the SKU.
    expect(decode(full(pages[2]!))).toEqual({ text: 'APPLE', format: 'CODE_128' });
  });

  it('a SKU outside ASCII prints a code that scans back to its product at the till', async () => {
    const w = await stockWorld();
    const cheese = await ok(
      w.app,
      'catalog.create',
      { sku: 'KÄSE-Ü1', name: 'Bergkäse', unit: 'each', price: 899, cost: 400, barcodes: [] },
      'mgr',
    );
    const tofu = await ok(
      w.app,
      'catalog.create',
      { sku: '豆腐-01', name: '嫩豆腐', unit: 'each', price: 350, cost: 150, barcodes: [] },
      'mgr',
    );
    for (const layout of ['roll', 'sheet'] as const) {
      const pdf = await ok(w.app, 'labels.pdf', { layout, items: [cheese, tofu].map((p) => ({ productId: p.id, copies: 1 })) }, 'mgr');
      const pages = render(pdf.base64);
      const cells =
        layout === 'roll'
          ? pages.map((p) => crop(p, 0, 0, p.width, p.height))
          : [0, 1].map((slot) =>
              crop(
                pages[0]!,
                Math.round((SHEET.margin.left + slot * SHEET.pitch.x) * PX),
                Math.round(SHEET.margin.top * PX),
                Math.round(SHEET.label.width * PX),
                Math.round(SHEET.label.height * PX),
              ),
            );
      for (const [i, p] of [cheese, tofu].entries()) {
        const read = decode(cells[i]!);
        expect(read, `${layout} ${p.sku}`).toEqual({ text: p.sku, format: 'QR_CODE' });
        await ok(w.app, 'cart.clear', {}, 'clerk');
        const cart = await ok(w.app, 'cart.scan', { code: read!.text }, 'clerk');
        expect(cart.lines.map((l) => l.productId)).toEqual([p.id]);
      }
    }
  });
});
