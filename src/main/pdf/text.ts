import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import {
  PDFDocument,
  PDFFont,
  PDFName,
  PDFPage,
  PDFRef,
  StandardFonts,
  appendBezierCurve,
  closePath,
  concatTransformationMatrix,
  drawObject,
  fill,
  lineTo,
  moveTo,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingColor,
  type PDFOperator,
  type RGB,
} from 'pdf-lib';

/**
 * Text for our PDFs (labels, purchase orders) that may be Chinese, on any machine, headless.
 *
 * Latin text is set in the PDF's standard Helvetica (real, searchable text). Characters outside
 * WinAnsi (Chinese names) are drawn as vector outlines taken from Noto Sans Hans, an OFL font that
 * ships in the npm package `@embedpdf/fonts-sc`: pdf-lib cannot subset CFF-flavoured OpenType
 * fonts correctly (the subset it writes is rejected by PDF readers), and embedding the whole 8 MB
 * font into every label sheet is out of the question. Outlines need no font on the printing
 * machine, no system fonts and no native library, and stay sharp at any size. Each character's
 * outline is written once per document as a form XObject and placed by reference.
 */

interface Glyph {
  advanceWidth: number;
  path: { commands: { command: string; args: number[] }[] };
}
interface OutlineFont {
  unitsPerEm: number;
  glyphForCodePoint(cp: number): Glyph;
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

/** One character's outline as PDF path operators in font units, and its advance. */
interface Outline {
  advance: number;
  ops: PDFOperator[];
}
const outlines = new Map<string, Outline>();

function outlineOf(ch: string): Outline {
  let o = outlines.get(ch);
  if (!o) {
    const g = cjkFont().glyphForCodePoint(ch.codePointAt(0)!);
    const ops: PDFOperator[] = [];
    let cx = 0;
    let cy = 0;
    for (const c of g.path.commands) {
      const a = c.args;
      if (c.command === 'moveTo') ops.push(moveTo(a[0]!, a[1]!));
      else if (c.command === 'lineTo') ops.push(lineTo(a[0]!, a[1]!));
      else if (c.command === 'bezierCurveTo') ops.push(appendBezierCurve(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!));
      else if (c.command === 'quadraticCurveTo') {
        // A quadratic as the equivalent cubic (PDF has cubic curves only).
        const [qx, qy, x, y] = a as [number, number, number, number];
        ops.push(
          appendBezierCurve(cx + (2 / 3) * (qx - cx), cy + (2 / 3) * (qy - cy), x + (2 / 3) * (qx - x), y + (2 / 3) * (qy - y), x, y),
        );
      } else if (c.command === 'closePath') ops.push(closePath());
      if (a.length >= 2) {
        cx = a[a.length - 2]!;
        cy = a[a.length - 1]!;
      }
    }
    if (ops.length) ops.push(fill());
    o = { advance: g.advanceWidth, ops };
    outlines.set(ch, o);
  }
  return o;
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
    let units = 0;
    for (const ch of text) units += outlineOf(ch).advance;
    return (units * size) / cjkFont().unitsPerEm;
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

  /** Form XObjects of this document, one per character, and their names in each page's resources. */
  private readonly forms = new Map<string, PDFRef>();
  private readonly names = new WeakMap<PDFPage, Map<string, PDFName>>();

  private formName(page: PDFPage, ch: string, o: Outline): PDFName {
    let byChar = this.names.get(page);
    if (!byChar) this.names.set(page, (byChar = new Map()));
    let name = byChar.get(ch);
    if (!name) {
      let ref = this.forms.get(ch);
      if (!ref) {
        const em = cjkFont().unitsPerEm;
        ref = page.doc.context.register(page.doc.context.formXObject(o.ops, { BBox: [-em, -em, 3 * em, 3 * em] }));
        this.forms.set(ch, ref);
      }
      name = page.node.newXObject('G', ref);
      byChar.set(ch, name);
    }
    return name;
  }

  private drawOutlines(page: PDFPage, text: string, x: number, y: number, size: number, color: RGB): number {
    const scale = size / cjkFont().unitsPerEm;
    let pen = 0;
    for (const ch of text) {
      const o = outlineOf(ch);
      if (o.ops.length)
        page.pushOperators(
          pushGraphicsState(),
          setFillingColor(color),
          concatTransformationMatrix(scale, 0, 0, scale, x + pen, y),
          drawObject(this.formName(page, ch, o)),
          popGraphicsState(),
        );
      pen += o.advance * scale;
    }
    return pen;
  }
}
