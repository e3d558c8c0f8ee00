/**
 * ESC/POS bytes for 58 mm and 80 mm thermal printers: the receipt text, the order number as a
 * Code128 barcode (scanned later to look the order up), an optional cash-drawer kick, and a cut.
 *
 * Chinese text: ReceiptPrinterEncoder only knows single-byte code pages (plus Shift-JIS), so it
 * cannot print Chinese. Lines that contain wide (CJK) characters are therefore written as raw
 * bytes: FS & (enter Kanji/Chinese mode), the text in GBK — the two-byte plane of GB18030 that
 * Chinese-market ESC/POS printers (Epson TM-…C models, Xprinter, Gprinter, Sunmi…) expect in that
 * mode — then FS . (leave it). ASCII inside those runs prints as-is. Narrow non-ASCII characters
 * on such lines (¥ from Intl, £, €, é) leave Chinese mode and go through the encoder's own code
 * page handling, so column widths stay exactly what receipt-text laid out.
 * Limitation: a printer without a Chinese font prints GBK bytes as Latin garbage; such stores
 * should use English receipts. Wide characters outside GBK (rare) print as "??" (same width).
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { ReceiptDoc } from '../../shared/api/types';
import { gbkBytes } from './gbk';
import { onlineLines, RECEIPT_COLUMNS, receiptLines } from './receipt-text';
import { charWidth } from './text-width';

export interface EscPosOptions {
  width: 58 | 80;
  kickDrawer: boolean;
}

const FS_KANJI_ON = [0x1c, 0x26];
const FS_KANJI_OFF = [0x1c, 0x2e];
const QUESTION = 0x3f;

const isWideLine = (text: string) => [...text].some((ch) => charWidth(ch) === 2);

function writeWideLine(encoder: ReceiptPrinterEncoder, text: string): void {
  let kanji: number[] = [];
  let narrow = '';
  const flushKanji = () => {
    if (kanji.length) encoder.raw([...FS_KANJI_ON, ...kanji, ...FS_KANJI_OFF]);
    kanji = [];
  };
  const flushNarrow = () => {
    if (narrow) encoder.text(narrow);
    narrow = '';
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? QUESTION;
    if (cp < 0x80) {
      flushNarrow();
      kanji.push(cp);
    } else if (charWidth(ch) === 2) {
      flushNarrow();
      kanji.push(...(gbkBytes(ch) ?? [QUESTION, QUESTION]));
    } else {
      flushKanji();
      narrow += ch;
    }
  }
  flushKanji();
  flushNarrow();
  // newline() ends the line with LF even when it holds only raw bytes.
  encoder.newline();
}

export function writeLine(encoder: ReceiptPrinterEncoder, text: string): void {
  if (text.trim() === '') encoder.newline();
  else if (isWideLine(text)) writeWideLine(encoder, text);
  else encoder.text(text).newline();
}

/** Code128 set B covers printable ASCII; '{' starts a control sequence, so it is doubled. */
function code128Data(value: string): string | null {
  if (!/^[\x20-\x7e]{1,80}$/.test(value)) return null;
  return '{B' + value.replace(/\{/g, '{{');
}

export function encodeReceipt(doc: ReceiptDoc, opts: EscPosOptions): Uint8Array {
  const columns = RECEIPT_COLUMNS[opts.width];
  const encoder = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns,
    newline: '\n',
    // Feed the footer past the cutter before cutting.
    feedBeforeCut: 4,
  });
  encoder.initialize().codepage('auto');
  // Kick first: the drawer opens while the receipt prints.
  if (opts.kickDrawer) encoder.pulse();

  for (const line of receiptLines(doc, columns)) {
    if (line.strong) encoder.bold(true);
    writeLine(encoder, line.text);
    if (line.strong) encoder.bold(false);
  }

  // "This receipt online": a QR code of the link, and the link in print for those who type it.
  const online = onlineLines(doc, columns);
  if (online && /^[\x21-\x7e]{1,500}$/.test(doc.onlineUrl ?? '')) {
    encoder.newline();
    for (const l of online.caption) writeLine(encoder, l);
    encoder
      .align('center')
      .qrcode(doc.onlineUrl!, { model: 2, size: opts.width === 58 ? 4 : 6, errorlevel: 'm' })
      .align('left');
    for (const l of online.url) writeLine(encoder, l);
  }

  const data = code128Data(doc.order.number);
  if (data) {
    encoder.newline();
    encoder
      .align('center')
      // 58 mm paper is 384 dots wide: narrow modules keep the symbol and its quiet zones on it.
      .barcode(data, 'code128', { height: 64, width: opts.width === 58 ? 1 : 2, text: 'below' })
      .align('left');
  }
  encoder.cut('partial');
  const bytes = encoder.encode();
  // The encoder feeds a line after the cut, which would only add a blank line on top of the next
  // receipt: end on the cut itself.
  const n = bytes.length;
  if (n >= 4 && bytes[n - 4] === 0x1d && bytes[n - 3] === 0x56 && bytes[n - 1] === 0x0a) return bytes.slice(0, n - 1);
  return bytes;
}
