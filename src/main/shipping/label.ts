/**
 * Shipping labels: a 4×6 inch PDF (pdf-lib) for ordinary printers and ZPL II for thermal label
 * printers (203 dpi), both carrying the tracking number as a Code128 barcode, plus an A4 packing
 * slip.
 *
 * Text, Chinese included, is set by src/main/pdf/text.ts like every other PDF of ours.
 * ZPL is sent as UTF-8 (^CI28); the printer needs a Unicode font for Chinese.
 */
import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import bwipjs from 'bwip-js/node';
import { PdfText } from '../pdf/text';
import type { Shipment } from '../../shared/api/shipping';
import { COUNTRIES } from '../../shared/address';
import { isWeighed, unitSymbol } from '../../shared/units';

export interface LabelContext {
  storeName: string;
  storeAddress?: string | null;
  orderNumber: string;
  carrierName: string;
  serviceName: string;
  timezone: string;
}

const INCH = 72;
export const LABEL_SIZE = { width: 4 * INCH, height: 6 * INCH };

function writer(page: PDFPage, f: PdfText) {
  return (text: string, x: number, y: number, size: number, bold = false, maxWidth?: number) => {
    let s = text;
    if (maxWidth) while (s.length > 1 && f.width(s, size, bold) > maxWidth) s = s.slice(0, -1);
    f.draw(page, s, { x, y, size, bold });
  };
}

export async function code128Png(text: string, opts: { scale?: number; height?: number } = {}): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: 'code128',
    text,
    scale: opts.scale ?? 3,
    height: opts.height ?? 18,
    includetext: false,
    paddingwidth: 8,
    paddingheight: 4,
  });
}

const fmtDate = (ms: number, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, dateStyle: 'medium' }).format(ms);

export function addressLines(s: Shipment): string[] {
  const a = s.address;
  const cityLine = [a.city, a.region, a.postalCode].filter(Boolean).join(' ');
  return [a.name, a.company ?? '', a.line1, a.line2 ?? '', cityLine, COUNTRIES[a.country]?.name.toUpperCase() ?? a.country].filter(
    (l) => l.trim() !== '',
  );
}

/** The 4×6 inch label as PDF bytes. */
export async function labelPdf(s: Shipment, ctx: LabelContext): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Label ${s.trackingNumber}`);
  doc.setProducer('Countertop');
  const page = doc.addPage([LABEL_SIZE.width, LABEL_SIZE.height]);
  const f = await PdfText.create(doc);
  const text = writer(page, f);
  const W = LABEL_SIZE.width;
  const M = 14;
  const line = (y: number, thickness = 1.5) => page.drawLine({ start: { x: M, y }, end: { x: W - M, y }, thickness, color: rgb(0, 0, 0) });

  // Carrier and service, top.
  text(ctx.carrierName, M, 404, 16, true, W - 2 * M);
  text(ctx.serviceName, M, 388, 11, false, W - 2 * M);
  line(380);
  // From.
  text('FROM', M, 366, 7, true);
  text(ctx.storeName, M, 355, 9, false, W - 2 * M);
  if (ctx.storeAddress) text(ctx.storeAddress, M, 344, 8, false, W - 2 * M);
  line(336, 1);
  // Ship to.
  text('SHIP TO', M, 322, 8, true);
  let y = 304;
  addressLines(s).forEach((l, i) => {
    text(l, M + 6, y, i === 0 ? 15 : 13, i === 0 || i === addressLines(s).length - 1, W - 2 * M - 6);
    y -= i === 0 ? 19 : 16;
  });
  if (s.address.phone) text(`Tel ${s.address.phone}`, M + 6, y, 10);
  line(176);
  // Parcel facts.
  text(`Weight ${(s.weightG / 1000).toFixed(3)} kg`, M, 162, 9);
  text(`${s.lengthMm / 10} x ${s.widthMm / 10} x ${s.heightMm / 10} cm`, W / 2, 162, 9);
  text(`Order ${ctx.orderNumber}`, M, 149, 9);
  text(`Shipment ${s.number}`, W / 2, 149, 9);
  if (s.eta) text(`Est. delivery ${fmtDate(s.eta, ctx.timezone)}`, M, 136, 9);
  line(128);
  // Tracking barcode (Code128) and its human-readable text.
  const png = await doc.embedPng(await code128Png(s.trackingNumber));
  const bw = W - 2 * M;
  const bh = 78;
  page.drawImage(png, { x: M, y: 36, width: bw, height: bh });
  const tn = s.trackingNumber;
  const size = 13;
  text(tn, (W - f.width(tn, size, true)) / 2, 18, size, true);
  return doc.save();
}

/** A4 packing slip: what is in the box. */
export async function packingSlipPdf(s: Shipment, ctx: LabelContext): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Packing slip ${s.number}`);
  const page = doc.addPage([595, 842]);
  const f = await PdfText.create(doc);
  const text = writer(page, f);
  text(ctx.storeName, 50, 790, 18, true, 495);
  text('PACKING SLIP', 50, 766, 12, true);
  text(`Order ${ctx.orderNumber}   Shipment ${s.number}   Tracking ${s.trackingNumber}`, 50, 748, 10, false, 495);
  text(`${ctx.carrierName} - ${ctx.serviceName}`, 50, 734, 10, false, 495);
  text('SHIP TO', 50, 706, 9, true);
  let y = 690;
  for (const l of addressLines(s)) {
    text(l, 50, y, 11, false, 300);
    y -= 15;
  }
  y -= 16;
  text('SKU', 50, y, 9, true);
  text('ITEM', 160, y, 9, true);
  text('QTY', 500, y, 9, true);
  y -= 6;
  page.drawLine({ start: { x: 50, y }, end: { x: 545, y }, thickness: 1 });
  y -= 16;
  for (const l of s.lines) {
    if (y < 60) break;
    text(l.sku, 50, y, 10, false, 105);
    text(l.name, 160, y, 10, false, 330);
    // The label's words are English: the unit is named in English too.
    const q = isWeighed(l.unit) ? `${(l.qty / 1000).toFixed(3)} ${unitSymbol(l.unit, 'en')}` : String(l.qty / 1000);
    text(q, 500, y, 10, true);
    y -= 16;
  }
  return doc.save();
}

/** ZPL field data cannot carry ^ or ~ (command prefixes). */
const zplText = (s: string) => s.replace(/[\^~]/g, ' ').replace(/[\r\n]+/g, ' ');

/**
 * The same label in ZPL II for 4×6 inch stock at 203 dpi (812 × 1218 dots). One ^FO…^FS field per
 * line of text, and the tracking number as ^BC (Code128, automatic subset) with its text below.
 */
export function labelZpl(s: Shipment, ctx: LabelContext): string {
  const out: string[] = ['^XA', '^CI28', '^PW812', '^LL1218', '^LH0,0'];
  const field = (x: number, y: number, h: number, text: string) => out.push(`^FO${x},${y}^A0N,${h},${h}^FD${zplText(text)}^FS`);
  field(30, 30, 44, ctx.carrierName);
  field(30, 82, 30, ctx.serviceName);
  out.push('^FO30,122^GB752,3,3^FS');
  field(30, 138, 20, 'FROM');
  field(30, 162, 24, ctx.storeName);
  out.push('^FO30,200^GB752,2,2^FS');
  field(30, 216, 22, 'SHIP TO');
  let y = 248;
  addressLines(s).forEach((l, i) => {
    field(46, y, i === 0 ? 40 : 34, l);
    y += i === 0 ? 50 : 42;
  });
  if (s.address.phone) field(46, y, 28, `Tel ${s.address.phone}`);
  out.push('^FO30,700^GB752,3,3^FS');
  field(30, 716, 24, `Weight ${(s.weightG / 1000).toFixed(3)} kg`);
  field(420, 716, 24, `${s.lengthMm / 10} x ${s.widthMm / 10} x ${s.heightMm / 10} cm`);
  field(30, 750, 24, `Order ${ctx.orderNumber}`);
  field(420, 750, 24, `Shipment ${s.number}`);
  if (s.eta) field(30, 784, 24, `Est. delivery ${fmtDate(s.eta, ctx.timezone)}`);
  out.push('^FO30,822^GB752,3,3^FS');
  out.push(`^FO60,850^BY3,3,220^BCN,220,N,N,N,A^FD${zplText(s.trackingNumber)}^FS`);
  field(60, 1090, 40, s.trackingNumber);
  out.push('^PQ1', '^XZ');
  return out.join('\n') + '\n';
}
