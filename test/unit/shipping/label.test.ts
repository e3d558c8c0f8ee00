import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, RGBLuminanceSource } from '@zxing/library';
import { PDFDocument } from 'pdf-lib';
import { labelPdf, labelZpl, packingSlipPdf, LABEL_SIZE, type LabelContext } from '../../../src/main/shipping/label';
import { checkDigit } from '../../../src/main/shipping/carriers';
import type { Shipment } from '../../../src/shared/api/shipping';
import { pdfText, pdfToPng } from '../../support/pdf';

const shipment: Shipment = {
  id: '019a0000-0000-7000-8000-000000000001',
  number: 'T1-S000007',
  orderId: '019a0000-0000-7000-8000-000000000002',
  orderNumber: 'T1-000042',
  carrier: 'own',
  service: 'next_day',
  trackingNumber: 'CTT10000000422',
  status: 'label_created',
  eta: Date.UTC(2026, 10, 23, 20),
  customerName: 'Jane Doe',
  shipToName: 'Jane Doe',
  createdAt: Date.UTC(2026, 10, 22, 9),
  updatedAt: Date.UTC(2026, 10, 22, 9),
  address: {
    name: 'Jane Doe',
    company: 'Acme Inc',
    line1: '1 Market St',
    line2: 'Suite 200',
    city: 'San Francisco',
    region: 'CA',
    postalCode: '94105',
    country: 'US',
    phone: '+1 415 555 0100',
  },
  weightG: 1250,
  lengthMm: 300,
  widthMm: 200,
  heightMm: 105,
  lines: [{ orderLineId: 'x', name: 'Cola 330ml', sku: 'COLA', qty: 2000, unit: 'each' }],
  events: [],
};

const ctx: LabelContext = {
  storeName: 'Corner Shop',
  orderNumber: 'T1-000042',
  carrierName: 'Own courier',
  serviceName: 'Next day',
  timezone: 'Europe/London',
};

/** Renders page 1 with MuPDF and decodes it with zxing (an independent decoder). */
function decodePdfBarcode(pdf: Uint8Array): { text: string; format: BarcodeFormat; width: number; height: number } {
  const png = PNG.sync.read(Buffer.from(pdfToPng(pdf, 1, 203)));
  // Like a handheld scanner aimed at the barcode: the bottom third of the label (zxing's row scan
  // of the whole page trips over the text lines above it).
  const top = Math.floor(png.height * 0.66);
  const h = png.height - top;
  const pixels = new Int32Array(png.width * h);
  for (let i = 0; i < pixels.length; i++) {
    const o = (top * png.width + i) * 4;
    const [r, g, b] = [png.data[o]!, png.data[o + 1]!, png.data[o + 2]!];
    pixels[i] = (0xff << 24) | (r << 16) | (g << 8) | b;
  }
  const reader = new MultiFormatReader();
  reader.setHints(
    new Map<DecodeHintType, unknown>([
      [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]],
      [DecodeHintType.TRY_HARDER, true],
    ]),
  );
  const result = reader.decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, png.width, h))));
  return { text: result.getText(), format: result.getBarcodeFormat(), width: png.width, height: png.height };
}

describe('the shipping label PDF', () => {
  it('is 4×6 inches and its Code128 barcode decodes back to the tracking number', async () => {
    const pdf = await labelPdf(shipment, ctx);
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getPage(0).getSize()).toEqual({ width: LABEL_SIZE.width, height: LABEL_SIZE.height });
    expect(LABEL_SIZE).toEqual({ width: 288, height: 432 });
    const decoded = decodePdfBarcode(pdf);
    expect(decoded.format).toBe(BarcodeFormat.CODE_128);
    expect(decoded.text).toBe(shipment.trackingNumber);
    // 4×6 inches at 203 dpi.
    expect([decoded.width, decoded.height]).toEqual([812, 1218]);
  });

  it('a Chinese address prints in Chinese, and the barcode still decodes', async () => {
    const cn: Shipment = {
      ...shipment,
      trackingNumber: '1ZFAKE00000001',
      address: { name: '张三', line1: '建国路1号', city: '北京', region: '北京市', postalCode: '100000', country: 'CN', phone: null },
    };
    const pdf = await labelPdf(cn, { ...ctx, storeName: '街角小店' });
    expect(decodePdfBarcode(pdf).text).toBe('1ZFAKE00000001');
  });

  it('with the CJK font, a Chinese and Latin address prints every letter', async () => {
    const cn: Shipment = {
      ...shipment,
      address: {
        name: '银行存款 Jane Doe',
        line1: '建国路1号',
        city: '北京',
        region: '北京市',
        postalCode: '100000',
        country: 'CN',
        phone: null,
      },
    };
    const pdf = await labelPdf(cn, ctx);
    const text = pdfText(pdf);
    expect(text).toContain('银行存款 Jane Doe');
    // Only the characters used travel with the label (no whole font file in every PDF).
    expect(pdf.length).toBeLessThan(100_000);
    expect(text).toContain('建国路1号');
  });

  it('the packing slip lists what is in the box', async () => {
    const pdf = await packingSlipPdf(shipment, ctx);
    const text = pdfText(pdf);
    expect(text).toContain('PACKING SLIP');
    expect(text).toContain('Cola 330ml');
    expect(text).toMatch(/COLA\s+Cola 330ml\s+2/);
    expect(text).toContain('CTT10000000422');
  });
});

/** Parses ZPL into its commands, and the ^FO…^FS fields into { x, y, command, data }. */
function zplFields(zpl: string) {
  const fields: { x: number; y: number; font: string | null; barcode: string | null; data: string }[] = [];
  for (const m of zpl.matchAll(/\^FO(\d+),(\d+)(.*?)\^FD(.*?)\^FS/g)) {
    const mid = m[3]!;
    fields.push({
      x: Number(m[1]),
      y: Number(m[2]),
      font: mid.match(/\^A0N,(\d+),\d+/)?.[1] ?? null,
      barcode: mid.match(/\^BC[^]*$/)?.[0] ?? null,
      data: m[4]!,
    });
  }
  return fields;
}

describe('the ZPL label', () => {
  const zpl = labelZpl(shipment, ctx);
  const fields = zplFields(zpl);
  const dataAt = (y: number) => fields.filter((f) => f.y === y).map((f) => f.data);

  it('is one 4×6 inch label at 203 dpi, UTF-8', () => {
    expect(zpl.startsWith('^XA\n^CI28\n^PW812\n^LL1218\n')).toBe(true);
    expect(zpl.trimEnd().endsWith('^PQ1\n^XZ')).toBe(true);
    expect(zpl.match(/\^XA/g)).toHaveLength(1);
  });

  it('carries every field where it belongs', () => {
    expect(dataAt(30)).toEqual(['Own courier']);
    expect(dataAt(82)).toEqual(['Next day']);
    expect(dataAt(162)).toEqual(['Corner Shop']);
    expect(dataAt(216)).toEqual(['SHIP TO']);
    const address = fields.filter((f) => f.x === 46).map((f) => f.data);
    expect(address).toEqual([
      'Jane Doe',
      'Acme Inc',
      '1 Market St',
      'Suite 200',
      'San Francisco CA 94105',
      'UNITED STATES',
      'Tel +1 415 555 0100',
    ]);
    expect(fields.find((f) => f.data === 'Jane Doe')!.font).toBe('40');
    expect(dataAt(716)).toEqual(['Weight 1.250 kg', '30 x 20 x 10.5 cm']);
    expect(dataAt(750)).toEqual(['Order T1-000042', 'Shipment T1-S000007']);
    expect(dataAt(784)[0]).toMatch(/^Est. delivery .*2026/);
  });

  it('prints the tracking number as a Code128 barcode and as text', () => {
    const bc = fields.filter((f) => f.barcode);
    expect(bc).toHaveLength(1);
    expect(bc[0]!.barcode).toBe('^BCN,220,N,N,N,A');
    expect(zpl).toContain('^FO60,850^BY3,3,220^BCN,220,N,N,N,A^FDCTT10000000422^FS');
    expect(bc[0]!.data).toBe('CTT10000000422');
    expect(dataAt(1090)).toEqual(['CTT10000000422']);
  });

  it('field data cannot inject ZPL commands', () => {
    const evil = labelZpl({ ...shipment, address: { ...shipment.address, name: 'Bob^XZ^XA~JA' } }, ctx);
    expect(evil.match(/\^XA/g)).toHaveLength(1);
    expect(evil.match(/\^XZ/g)).toHaveLength(1);
    expect(evil).not.toContain('~JA');
  });
});

describe('own-courier tracking numbers', () => {
  it('end with a Luhn check digit', () => {
    expect(checkDigit('000000042')).toBe(2);
    expect(checkDigit('7992739871')).toBe(3);
  });
});
