import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont, PDFPage, StandardFonts, rgb, type RGB } from 'pdf-lib';

/**
 * Text for our PDFs (labels, purchase orders) that may be Chinese, on any machine, headless.
 *
 * Latin text is set in the PDF's standard Helvetica (real, searchable text). Characters outside
 * WinAnsi (Chinese names) are drawn as vector outlines taken from Noto Sans Hans, an OFL font that
 * ships in the npm package `@embedpdf/fonts-sc`: pdf-lib cannot subset CFF-flavoured OpenType
 * fonts correctly (the subset it writes is rejected by PDF readers), and embedding the whole 8 MB
 * font into every label sheet is out of the question. Outlines need no font on the printing
 * machine, no system fonts and no native library, and stay sharp at any size.
 */

interface Glyph {
  advanceWidth: number;
  path: { commands: { command: string; args: number[] }[] };
}
interface OutlineFont {
  unitsPerEm: number;
  layout(text: string): { glyphs: Glyph[]; positions: { xAdvance: number; xOffset: number; yOffset: number }[] };
}

const CJK_FONT_FILE = 'NotoSansHans-Regular.otf';
let outlineFont: OutlineFont | null = null;

/** The path of the bundled Chinese font (the package exports only its index, so resolve beside it). */
export function cjkFontPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts', CJK_FONT_FILE);
}

function cjkFont(): OutlineFont {
  if (!outlineFont) outlineFont = fontkit.create(readFileSync(cjkFontPath())) as unknown as OutlineFont;
  return outlineFont;
}

export interface DrawOptions {
  x: number;
  y: number;
  size: number;
  bold?: boolean;
  color?: RGB;
}

export class PdfText {
  private constructor(
    private readonly regular: PDFFont,
    private readonly boldFont: PDFFont,
  ) {}

  static async create(doc: PDFDocument): Promise<PdfText> {
    doc.registerFontkit(fontkit);
    return new PdfText(await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
  }

  private readonly encodable = new Map<string, boolean>();

  /** Whether Helvetica (WinAnsi) can show this character. */
  private latin(ch: string): boolean {
    let ok = this.encodable.get(ch);
    if (ok === undefined) {
      try {
        this.regular.encodeText(ch);
        ok = ch !== '\n';
      } catch {
        ok = false;
      }
      this.encodable.set(ch, ok);
    }
    return ok;
  }

  /** Runs of text that one font can draw. */
  private runs(text: string): { latin: boolean; text: string }[] {
    const out: { latin: boolean; text: string }[] = [];
    for (const ch of text) {
      const latin = this.latin(ch);
      const last = out[out.length - 1];
      if (last && last.latin === latin) last.text += ch;
      else out.push({ latin, text: ch });
    }
    return out;
  }

  private outlineWidth(text: string, size: number): number {
    const f = cjkFont();
    const { positions } = f.layout(text);
    return (positions.reduce((s, p) => s + p.xAdvance, 0) * size) / f.unitsPerEm;
  }

  width(text: string, size: number, bold = false): number {
    const font = bold ? this.boldFont : this.regular;
    return this.runs(text).reduce((w, r) => w + (r.latin ? font.widthOfTextAtSize(r.text, size) : this.outlineWidth(r.text, size)), 0);
  }

  /** Cuts the text to fit `maxWidth`, ending with "…" when it had to. */
  fit(text: string, size: number, maxWidth: number, bold = false): string {
    if (this.width(text, size, bold) <= maxWidth) return text;
    const chars = [...text];
    while (chars.length > 0 && this.width(`${chars.join('')}...`, size, bold) > maxWidth) chars.pop();
    return `${chars.join('').trimEnd()}...`;
  }

  /** Up to `maxLines` lines of at most `maxWidth`, breaking at spaces (or anywhere in Chinese). */
  wrap(text: string, size: number, maxWidth: number, maxLines: number, bold = false): string[] {
    const lines: string[] = [];
    let rest = text.trim();
    while (rest && lines.length < maxLines) {
      if (lines.length === maxLines - 1 || this.width(rest, size, bold) <= maxWidth) {
        lines.push(this.fit(rest, size, maxWidth, bold));
        break;
      }
      const chars = [...rest];
      let n = chars.length;
      while (n > 1 && this.width(chars.slice(0, n).join(''), size, bold) > maxWidth) n--;
      const head = chars.slice(0, n).join('');
      const space = head.lastIndexOf(' ');
      const cut = space > 0 && n < chars.length ? space : head.length;
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    return lines;
  }

  draw(page: PDFPage, text: string, o: DrawOptions): number {
    const color = o.color ?? rgb(0, 0, 0);
    const font = o.bold ? this.boldFont : this.regular;
    let x = o.x;
    for (const r of this.runs(text)) {
      if (r.latin) {
        page.drawText(r.text, { x, y: o.y, size: o.size, font, color });
        x += font.widthOfTextAtSize(r.text, o.size);
      } else x += this.drawOutlines(page, r.text, x, o.y, o.size, color);
    }
    return x - o.x;
  }

  private drawOutlines(page: PDFPage, text: string, x: number, y: number, size: number, color: RGB): number {
    const f = cjkFont();
    const s = size / f.unitsPerEm;
    const { glyphs, positions } = f.layout(text);
    let pen = 0;
    const parts: string[] = [];
    const pt = (gx: number, gy: number, dx: number, dy: number) => `${((pen + dx + gx) * s).toFixed(2)} ${(-(gy + dy) * s).toFixed(2)}`;
    glyphs.forEach((g, i) => {
      const pos = positions[i]!;
      for (const c of g.path.commands) {
        const a = c.args;
        const p = (k: number) => pt(a[k]!, a[k + 1]!, pos.xOffset, pos.yOffset);
        if (c.command === 'moveTo') parts.push(`M ${p(0)}`);
        else if (c.command === 'lineTo') parts.push(`L ${p(0)}`);
        else if (c.command === 'quadraticCurveTo') parts.push(`Q ${p(0)} ${p(2)}`);
        else if (c.command === 'bezierCurveTo') parts.push(`C ${p(0)} ${p(2)} ${p(4)}`);
        else if (c.command === 'closePath') parts.push('Z');
      }
      pen += pos.xAdvance;
    });
    if (parts.length) page.drawSvgPath(parts.join(' '), { x, y, color, borderWidth: 0 });
    return pen * s;
  }
}
