/** The X/Z report on paper: ESC/POS bytes for the receipt printer (the PDF is in report-pdf.ts). */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { ShiftReport } from '../../shared/api/shifts';
import type { Language } from '../../shared/api/types';
import { writeLine } from '../receipts/escpos';
import { RECEIPT_COLUMNS } from '../receipts/receipt-text';
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
