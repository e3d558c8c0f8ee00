/** The X/Z report on paper: ESC/POS bytes for the receipt printer, and a PDF (A4-independent, receipt-like page). */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts, rgb, type PDFFont } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import type { ShiftReport } from '../../shared/api/shifts';
import type { Language } from '../../shared/api/types';
import { writeLine } from '../receipts/escpos';
import { RECEIPT_COLUMNS } from '../receipts/receipt-text';
import { displayWidth } from '../receipts/text-width';
import { reportLines } from './report-text';

export function encodeShiftReport(report: ShiftReport, opts: { width: 58 | 80; language: Language; timezone: string }): Uint8Array {
  const columns = RECEIPT_COLUMNS[opts.width];
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', columns, newline: '\n', feedBeforeCut: 4 });
  encoder.initialize().codepage('auto');
  for (const line of reportLines(report, columns, opts.language, opts.timezone)) {
    if (line.strong) encoder.bold(true);
    writeLine(encoder, line.text);
    if (line.strong) encoder.bold(false);
  }
  encoder.cut('partial');
  return encoder.encode();
}

/** Just the drawer kick (a no-sale open). */
export function drawerKickBytes(): Uint8Array {
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', newline: '\n' });
  return encoder.initialize().pulse().encode();
}

/**
 * A CJK font for Chinese PDFs: the subset shipped in resources/fonts (Noto Sans SC, GB2312
 * characters), else a system Noto/WenQuanYi font; null when none is found (then Chinese labels
 * are printed in English and product names in their Latin form where they have one).
 */
export function findCjkFont(resourcesDir: string): Uint8Array | null {
  const candidates = [
    join(resourcesDir, 'fonts', 'NotoSansSC-GB2312.ttf'),
    '/usr/share/fonts/truetype/wqy/wqy-microhei.ttf',
    '/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf',
  ];
  for (const file of candidates) if (existsSync(file)) return readFileSync(file);
  return null;
}

export async function shiftReportPdf(
  report: ShiftReport,
  opts: { language: Language; timezone: string; resourcesDir: string },
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${report.kind} report ${report.shift.number}`);
  doc.setCreator('Countertop');
  let language = opts.language;
  const columns = 48;
  let lines = reportLines(report, columns, language, opts.timezone);
  const courier = await doc.embedFont(StandardFonts.Courier);
  const latin = (ch: string) => {
    try {
      courier.encodeText(ch);
      return true;
    } catch {
      return false;
    }
  };
  // Courier (WinAnsi) has €, £ and ¥ but no Chinese: a Chinese store name, category or reason on an
  // English report needs the CJK font too, or it prints as question marks.
  const needsCjk = language === 'zh-CN' || lines.some((l) => [...l.text].some((ch) => !latin(ch)));
  const cjk = needsCjk ? findCjkFont(opts.resourcesDir) : null;
  let font: PDFFont;
  let bold: PDFFont;
  if (cjk) {
    doc.registerFontkit(fontkit);
    font = await doc.embedFont(cjk, { subset: false });
    bold = font;
  } else {
    if (language === 'zh-CN') {
      language = 'en';
      lines = reportLines(report, columns, language, opts.timezone);
    }
    font = courier;
    bold = await doc.embedFont(StandardFonts.CourierBold);
  }
  const size = 9;
  // A monospace grid: each display column is half an em of a CJK font (Courier's glyphs are 0.6 em).
  const cell = cjk ? size * 0.5 : size * 0.6;
  const lineHeight = size * 1.45;
  const margin = 36;
  const width = margin * 2 + columns * cell;
  const perPage = 60;
  for (let p = 0; p * perPage < lines.length; p++) {
    const chunk = lines.slice(p * perPage, (p + 1) * perPage);
    const page = doc.addPage([width, margin * 2 + perPage * lineHeight]);
    chunk.forEach((line, i) => {
      const y = page.getHeight() - margin - (i + 1) * lineHeight;
      if (!cjk) {
        const safe = [...line.text].map((ch) => (latin(ch) ? ch : '?')).join('');
        page.drawText(safe, { x: margin, y, size, font: line.strong ? bold : font, color: rgb(0, 0, 0) });
        return;
      }
      // Draw character by character on the grid so wide characters take two columns, as on paper.
      let col = 0;
      for (const ch of line.text) {
        const w = displayWidth(ch);
        if (ch !== ' ') {
          const glyphWidth = font.widthOfTextAtSize(ch, size);
          const x = margin + col * cell + (w * cell - glyphWidth) / 2;
          page.drawText(ch, { x, y, size, font, color: rgb(0, 0, 0) });
          if (line.strong) page.drawText(ch, { x: x + 0.35, y, size, font, color: rgb(0, 0, 0) });
        }
        col += w;
      }
    });
  }
  return doc.save();
}
