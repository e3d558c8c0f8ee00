/**
 * Reads and renders PDFs in tests with MuPDF's WebAssembly build from npm: an independent reader
 * (not pdf-lib, which wrote them), and nothing to install beyond `npm install`.
 */
import * as mupdf from 'mupdf';

function open(bytes: Uint8Array): mupdf.Document {
  return mupdf.Document.openDocument(bytes, 'application/pdf');
}

/** How many pages the PDF has. */
export function pdfPageCount(bytes: Uint8Array): number {
  const doc = open(bytes);
  try {
    return doc.countPages();
  } finally {
    doc.destroy();
  }
}

/** Page `page` (1-based) as a PNG at `dpi`, white background, no alpha: what a printer would put on paper. */
export function pdfToPng(bytes: Uint8Array, page: number, dpi: number): Uint8Array {
  const doc = open(bytes);
  try {
    const p = doc.loadPage(page - 1);
    const pix = p.toPixmap(mupdf.Matrix.scale(dpi / 72, dpi / 72), mupdf.ColorSpace.DeviceRGB, false, true);
    const png = pix.asPNG();
    pix.destroy();
    p.destroy();
    return png;
  } finally {
    doc.destroy();
  }
}

interface StextLine {
  bbox: { x: number; y: number; w: number; h: number };
  text: string;
}
interface StextBlock {
  type: string;
  lines?: StextLine[];
}

/**
 * The text of the given pages (all by default), one output line per printed line: pieces of text
 * that share a baseline are joined left to right with a space, so a table row reads as one line
 * (what `pdftotext -layout` gave, without its column padding).
 */
export function pdfText(bytes: Uint8Array, pages?: { first?: number; last?: number }): string {
  const doc = open(bytes);
  try {
    const n = doc.countPages();
    const first = pages?.first ?? 1;
    const last = Math.min(pages?.last ?? n, n);
    const out: string[] = [];
    for (let i = first; i <= last; i++) {
      const page = doc.loadPage(i - 1);
      const st = page.toStructuredText('preserve-whitespace');
      const blocks = (JSON.parse(st.asJSON()) as { blocks: StextBlock[] }).blocks;
      st.destroy();
      page.destroy();
      const lines = blocks.flatMap((b) => (b.type === 'text' ? (b.lines ?? []) : []));
      // Group by the line's vertical middle; half a line's height apart counts as the same row.
      const rows: { y: number; h: number; parts: StextLine[] }[] = [];
      for (const l of lines) {
        const mid = l.bbox.y + l.bbox.h / 2;
        const row = rows.find((r) => Math.abs(r.y - mid) < Math.max(2, Math.min(r.h, l.bbox.h) / 2));
        if (row) row.parts.push(l);
        else rows.push({ y: mid, h: l.bbox.h, parts: [l] });
      }
      rows.sort((a, b) => a.y - b.y);
      for (const r of rows)
        out.push(
          r.parts
            .sort((a, b) => a.bbox.x - b.bbox.x)
            .map((p) => p.text.trim())
            .join(' '),
        );
      out.push('\f');
    }
    return out.join('\n');
  } finally {
    doc.destroy();
  }
}
