import bwipjs from 'bwip-js/node';
import { PDFDocument, rgb, type PDFImage } from 'pdf-lib';
import { formatMoney } from '../../shared/money';
import { isValidEan13 } from '../../shared/scale-barcode';
import type { Deps } from '../deps';
import { notFound } from '../errors';
import { readSettings } from '../settings/settings';
import { PdfText } from '../pdf/text';
import { isWeighed, unitSymbol, type Unit } from '../../shared/units';
import type { CamelCols } from '../db/rows';
import type { products } from '../db/schema';

/**
 * Shelf and product labels as PDF: a sheet of 24 (A4, 3 × 8 labels of 63.5 × 33.9 mm, the common
 * L7159 layout) or a roll (one 50 × 30 mm label per page, for label printers). Each label carries
 * the name, the price and a barcode made by bwip-js: the item's EAN-13 or UPC-A when it has one,
 * otherwise Code 128 of its barcode or, without one, of its SKU. A SKU with letters outside
 * printable ASCII (KÄSE-Ü1, 奶酪-01) cannot be Code 128 (a scanner would read its UTF-8 bytes as
 * Latin-1), so it is printed as a QR code marked UTF-8 (ECI 26), which scanners read back as the
 * SKU itself; a scan of the SKU finds the product.
 */

export const MM = 72 / 25.4;
export const SHEET = {
  page: { width: 210 * MM, height: 297 * MM },
  columns: 3,
  rows: 8,
  label: { width: 63.5 * MM, height: 33.9 * MM },
  margin: { left: 7.2 * MM, top: 12.9 * MM },
  pitch: { x: 66.0 * MM, y: 33.9 * MM },
};
export const ROLL = { label: { width: 50 * MM, height: 30 * MM } };

export type Symbology = 'ean13' | 'upca' | 'code128' | 'qrcode';

export function isValidUpcA(code: string): boolean {
  if (!/^\d{12}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += Number(code[i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(code[11]);
}

/** The code a label prints for an item, and in which symbology. */
export function labelCode(p: { sku: string; barcodes: string[] }): { code: string; symbology: Symbology } {
  const ean = p.barcodes.find(isValidEan13);
  if (ean) return { code: ean, symbology: 'ean13' };
  const upc = p.barcodes.find(isValidUpcA);
  if (upc) return { code: upc, symbology: 'upca' };
  const code = p.barcodes.find(isCode128Text) ?? p.sku;
  return { code, symbology: isCode128Text(code) ? 'code128' : 'qrcode' };
}

function isCode128Text(code: string): boolean {
  return /^[\x20-\x7e]+$/.test(code);
}

export function barcodePng(code: string, symbology: Symbology): Promise<Buffer> {
  if (symbology === 'qrcode')
    return bwipjs.toBuffer({
      bcid: 'qrcode',
      // ECI 26 tells the scanner the bytes are UTF-8; '^' is the escape character once parsed.
      text: `^ECI000026${code.replace(/\^/g, '^^')}`,
      parsefnc: true,
      scale: 3,
      paddingwidth: 4,
      paddingheight: 4,
      backgroundcolor: 'FFFFFF',
    });
  return bwipjs.toBuffer({
    bcid: symbology,
    text: code,
    scale: 3,
    height: symbology === 'code128' ? 9 : 12,
    includetext: true,
    textxalign: 'center',
    textsize: 9,
    paddingwidth: symbology === 'code128' ? 10 : 0,
    paddingheight: 1,
    backgroundcolor: 'FFFFFF',
  });
}

interface LabelItem {
  name: string;
  altName: string | null;
  price: number;
  unit: Unit;
  sku: string;
  barcodes: string[];
}

function loadItems(deps: Pick<Deps, 'sqlite'>, ids: string[]): Map<string, LabelItem> {
  const stmt = deps.sqlite.prepare(
    `SELECT p.name, p.alt_name AS altName, p.price, p.unit, p.sku,
            (SELECT group_concat(code, ' ') FROM (SELECT code FROM barcodes b WHERE b.product_id = p.id ORDER BY code)) AS codes
     FROM products p WHERE p.id = ?`,
  );
  const out = new Map<string, LabelItem>();
  for (const id of new Set(ids)) {
    const r = stmt.get(id) as
      (CamelCols<typeof products, 'name' | 'altName' | 'price' | 'unit' | 'sku'> & { codes: string | null }) | undefined;
    if (!r) throw notFound('Product', { productId: id });
    out.set(id, { ...r, barcodes: r.codes ? r.codes.split(' ') : [] });
  }
  return out;
}

export async function labelsPdf(
  deps: Pick<Deps, 'sqlite' | 'db' | 'settingsCache'>,
  input: { items: { productId: string; copies: number }[]; layout: 'sheet' | 'roll' },
): Promise<{ base64: string; labels: number; fileName: string }> {
  const items = loadItems(
    deps,
    input.items.map((i) => i.productId),
  );
  const settings = readSettings(deps);
  const doc = await PDFDocument.create();
  doc.setTitle('Shelf labels');
  doc.setCreator('Countertop');
  const text = await PdfText.create(doc);
  const images = new Map<string, PDFImage>();
  const sequence = input.items.flatMap((i) => Array.from({ length: i.copies }, () => items.get(i.productId)!));
  const perPage = input.layout === 'sheet' ? SHEET.columns * SHEET.rows : 1;
  const size = input.layout === 'sheet' ? SHEET.label : ROLL.label;
  let page = null as ReturnType<typeof doc.addPage> | null;
  for (let n = 0; n < sequence.length; n++) {
    const item = sequence[n]!;
    const slot = n % perPage;
    if (slot === 0) page = doc.addPage(input.layout === 'sheet' ? [SHEET.page.width, SHEET.page.height] : [size.width, size.height]);
    const x0 = input.layout === 'sheet' ? SHEET.margin.left + (slot % SHEET.columns) * SHEET.pitch.x : 0;
    const top =
      input.layout === 'sheet' ? SHEET.page.height - SHEET.margin.top - Math.floor(slot / SHEET.columns) * SHEET.pitch.y : size.height;
    const pad = 2.5 * MM;
    const inner = size.width - 2 * pad;

    // Name (two lines at most, bold), then the other-language name on the left and the price on
    // the right, and the barcode across the whole width at the bottom (wide modules scan best).
    const sheet = input.layout === 'sheet';
    const nameSize = sheet ? 9 : 8;
    const priceSize = sheet ? 14 : 12;
    let y = top - pad - nameSize;
    const lines = text.wrap(item.name, nameSize, inner, item.altName ? 1 : 2, true);
    for (const line of lines) {
      text.draw(page!, line, { x: x0 + pad, y, size: nameSize, bold: true });
      y -= nameSize + 1.5;
    }
    const price = `${formatMoney(item.price, settings.currency, settings.language)}${isWeighed(item.unit) ? `/${unitSymbol(item.unit, settings.language)}` : ''}`;
    const priceWidth = text.width(price, priceSize, true);
    const priceY = y - priceSize + nameSize + 1;
    text.draw(page!, price, { x: x0 + size.width - pad - priceWidth, y: priceY, size: priceSize, bold: true });
    if (item.altName)
      text.draw(page!, text.fit(item.altName, 7, inner - priceWidth - 2 * MM), {
        x: x0 + pad,
        y: y + 1,
        size: 7,
        color: rgb(0.3, 0.3, 0.3),
      });

    const { code, symbology } = labelCode(item);
    const key = `${symbology}:${code}`;
    let image = images.get(key);
    if (!image) {
      image = await doc.embedPng(await barcodePng(code, symbology));
      images.set(key, image);
    }
    const bottom = top - size.height + pad * 0.6;
    const maxH = priceY - 1.5 * MM - bottom;
    const scale = Math.min(inner / image.width, maxH / image.height);
    const width = image.width * scale;
    if (symbology === 'qrcode') {
      // A QR code has no human-readable line: the SKU is written beside it instead.
      page!.drawImage(image, { x: x0 + pad, y: bottom, width, height: image.height * scale });
      const skuSize = sheet ? 8 : 7;
      const room = inner - width - 2 * MM;
      text.draw(page!, text.fit(code, skuSize, room), {
        x: x0 + pad + width + 2 * MM,
        y: bottom + (image.height * scale - skuSize) / 2,
        size: skuSize,
      });
    } else page!.drawImage(image, { x: x0 + (size.width - width) / 2, y: bottom, width, height: image.height * scale });
  }
  const bytes = await doc.save();
  return { base64: Buffer.from(bytes).toString('base64'), labels: sequence.length, fileName: `labels-${input.layout}.pdf` };
}
