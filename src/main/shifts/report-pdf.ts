/** The X/Z report as a PDF (A4-independent, receipt-like page). */
import { PDFDocument } from 'pdf-lib';
import type { ShiftReport } from '../../shared/api/shifts';
import type { Language } from '../../shared/api/types';
import { displayWidth } from '../receipts/text-width';
import { reportLines } from './report-text';
import { PdfText } from '../pdf/text';

/**
 * The report as a PDF, on a receipt-like monospace grid: Latin text in Courier, and wide
 * characters (Chinese) taking two columns, as on paper. Fonts come from src/main/pdf/text.ts, so
 * a Chinese store name or reason prints on an English report too.
 */
export async function shiftReportPdf(report: ShiftReport, opts: { language: Language; timezone: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${report.kind} report ${report.shift.number}`);
  doc.setCreator('Countertop');
  const columns = 48;
  const lines = reportLines(report, columns, opts.language, opts.timezone);
  const text = await PdfText.create(doc, { latin: 'mono' });
  const size = 9;
  // One display column is one Courier character (0.6 em); a wide character takes two.
  const cell = size * 0.6;
  const lineHeight = size * 1.45;
  const margin = 36;
  const width = margin * 2 + columns * cell;
  const perPage = 60;
  for (let p = 0; p * perPage < lines.length; p++) {
    const chunk = lines.slice(p * perPage, (p + 1) * perPage);
    const page = doc.addPage([width, margin * 2 + perPage * lineHeight]);
    chunk.forEach((line, i) => {
      const y = page.getHeight() - margin - (i + 1) * lineHeight;
      let col = 0;
      let run = '';
      let runCol = 0;
      const flush = () => {
        if (run.trim()) text.draw(page, run, { x: margin + runCol * cell, y, size, bold: line.strong });
        run = '';
      };
      for (const ch of line.text) {
        const w = displayWidth(ch);
        if (text.latin(ch)) {
          if (!run) runCol = col;
          run += ch;
        } else {
          flush();
          // Centred in its columns, so a column of amounts lines up under Chinese labels.
          const glyph = text.width(ch, size, line.strong);
          text.draw(page, ch, { x: margin + col * cell + (w * cell - glyph) / 2, y, size, bold: line.strong });
        }
        col += w;
      }
      flush();
    });
  }
  return doc.save();
}
