/**
 * Printing the on-screen page through Chromium (the renderer may also simply call window.print()).
 * ESC/POS thermal printing lives in src/main/receipts and never goes through here.
 */
import type { WebContents, WebContentsPrintOptions } from 'electron';

export interface PrintResult {
  ok: boolean;
  reason?: string;
}

/** Print the page (the receipt view) to a system printer; `silent` needs `deviceName`. */
export function printContents(contents: WebContents, options: WebContentsPrintOptions = {}): Promise<PrintResult> {
  return new Promise((resolve) => {
    contents.print({ printBackground: false, ...options }, (success, failureReason) => {
      resolve(success ? { ok: true } : { ok: false, reason: failureReason || 'unknown' });
    });
  });
}

/** Render the page as PDF bytes (receipt width by default: 80 mm paper, no margins). */
export async function receiptPdf(contents: WebContents, opts: { widthMm?: number; heightMm?: number } = {}): Promise<Buffer> {
  const mmToIn = (mm: number) => mm / 25.4;
  return contents.printToPDF({
    printBackground: false,
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    pageSize: { width: mmToIn(opts.widthMm ?? 80), height: mmToIn(opts.heightMm ?? 297) },
    preferCSSPageSize: true,
  });
}

/** Printers the OS knows about (name, displayName, isDefault ...), for a settings screen. */
export async function listPrinters(contents: WebContents) {
  return contents.getPrintersAsync();
}
