import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import {
  PDFDocument,
  PDFFont,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFOperator,
  PDFOperatorNames,
  PDFPage,
  PDFRef,
  StandardFonts,
  appendBezierCurve,
  beginText,
  closePath,
  endText,
  fill,
  lineTo,
  moveTo,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingColor,
  setFontAndSize,
  setTextMatrix,
  showText,
  type RGB,
} from 'pdf-lib';

/**
 * Text for every PDF we make (shelf labels, purchase orders, Z reports, shipping labels) that may
 * be Chinese, on any machine, headless: the one place a PDF gets its fonts.
 *
 * Latin text is set in a standard font (Helvetica, or Courier for the receipt-like Z report).
 * Characters outside WinAnsi (Chinese) come from Noto Sans Hans, an OFL font that ships in the npm
 * package `@embedpdf/fonts-sc`, as a Type 3 font written by us: each character used is one glyph
 * procedure holding its vector outline, with a ToUnicode map, so the text stays real text (it can
 * be searched and copied) and the file carries only the characters it uses. The font file itself
 * is never embedded: pdf-lib cannot subset CFF-flavoured OpenType fonts correctly (the subset it
 * writes is rejected by PDF readers), its subset of a TrueType font loses glyph outlines, and the
 * whole font (8 MB) is out of the question for a label. Nothing is needed on the printing machine.
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

/** Glyphs per Type 3 font: its codes are single bytes (1–255). */
const CODES_PER_FONT = 255;

/** One Type 3 font of a document: up to 255 characters, rewritten each time one is added. */
interface Type3 {
  ref: PDFRef;
  toUnicode: PDFRef;
  chars: string[];
  procs: PDFRef[];
}

export class PdfText {
  private constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly boldFont: PDFFont,
  ) {}

  /** `latin: 'mono'` sets Latin text in Courier (a fixed grid, as on a receipt). */
  static async create(doc: PDFDocument, opts: { latin?: 'sans' | 'mono' } = {}): Promise<PdfText> {
    doc.registerFontkit(fontkit);
    const mono = opts.latin === 'mono';
    return new PdfText(
      doc,
      await doc.embedFont(mono ? StandardFonts.Courier : StandardFonts.Helvetica),
      await doc.embedFont(mono ? StandardFonts.CourierBold : StandardFonts.HelveticaBold),
    );
  }

  private readonly encodable = new Map<string, boolean>();

  /** Whether the standard font (WinAnsi) can show this character. */
  latin(ch: string): boolean {
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
      } else {
        const w = this.drawCjk(page, r.text, x, o.y, o.size, color);
        // The outline font has one weight: bold is the same glyphs drawn again a hair to the right.
        if (o.bold) this.drawCjk(page, r.text, x + o.size * 0.04, o.y, o.size, color);
        x += w;
      }
    }
    return x - o.x;
  }

  private readonly type3: Type3[] = [];
  private readonly codes = new Map<string, { font: number; code: number }>();
  private readonly names = new WeakMap<PDFPage, Map<number, PDFName>>();

  /** The font and code of a character, adding its glyph to the document's Type 3 fonts the first time. */
  private codeOf(ch: string): { font: number; code: number } {
    let c = this.codes.get(ch);
    if (!c) {
      let f = this.type3[this.type3.length - 1];
      if (!f || f.chars.length >= CODES_PER_FONT) {
        f = { ref: this.doc.context.nextRef(), toUnicode: this.doc.context.nextRef(), chars: [], procs: [] };
        this.type3.push(f);
      }
      const o = outlineOf(ch);
      const proc = this.doc.context.contentStream([
        PDFOperator.of(PDFOperatorNames.Type3D0, [PDFNumber.of(o.advance), PDFNumber.of(0)]),
        ...o.ops,
      ]);
      f.procs.push(this.doc.context.register(proc));
      f.chars.push(ch);
      c = { font: this.type3.length - 1, code: f.chars.length };
      this.codes.set(ch, c);
      this.writeFont(f);
    }
    return c;
  }

  /** (Re)writes a Type 3 font's dictionary and its ToUnicode map with every glyph it has so far. */
  private writeFont(f: Type3): void {
    const ctx = this.doc.context;
    const em = cjkFont().unitsPerEm;
    const procs: Record<string, PDFRef> = {};
    const differences: (number | PDFName)[] = [1];
    const widths: number[] = [];
    f.chars.forEach((ch, i) => {
      procs[`g${i + 1}`] = f.procs[i]!;
      differences.push(PDFName.of(`g${i + 1}`));
      widths.push(outlineOf(ch).advance);
    });
    const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');
    const utf16 = (ch: string) => Array.from({ length: ch.length }, (_, k) => hex(ch.charCodeAt(k), 4)).join('');
    const blocks: string[] = [];
    for (let i = 0; i < f.chars.length; i += 100) {
      const part = f.chars.slice(i, i + 100);
      blocks.push(`${part.length} beginbfchar\n${part.map((ch, k) => `<${hex(i + k + 1, 2)}> <${utf16(ch)}>`).join('\n')}\nendbfchar`);
    }
    const cmap = [
      '/CIDInit /ProcSet findresource begin',
      '12 dict begin',
      'begincmap',
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
      '/CMapName /Adobe-Identity-UCS def',
      '/CMapType 2 def',
      '1 begincodespacerange',
      '<01> <FF>',
      'endcodespacerange',
      ...blocks,
      'endcmap',
      'CMapName currentdict /CMapResource defineresource pop',
      'end',
      'end',
    ].join('\n');
    ctx.assign(f.toUnicode, ctx.flateStream(cmap));
    ctx.assign(
      f.ref,
      ctx.obj({
        Type: 'Font',
        Subtype: 'Type3',
        FontBBox: [-em, -em, 3 * em, 3 * em],
        FontMatrix: [1 / em, 0, 0, 1 / em, 0, 0],
        CharProcs: procs,
        Encoding: { Type: 'Encoding', Differences: differences },
        FirstChar: 1,
        LastChar: f.chars.length,
        Widths: widths,
        Resources: {},
        ToUnicode: f.toUnicode,
      }),
    );
  }

  private fontName(page: PDFPage, font: number): PDFName {
    let byFont = this.names.get(page);
    if (!byFont) this.names.set(page, (byFont = new Map()));
    let name = byFont.get(font);
    if (!name) {
      name = page.node.newFontDictionary('C', this.type3[font]!.ref);
      byFont.set(font, name);
    }
    return name;
  }

  private drawCjk(page: PDFPage, text: string, x: number, y: number, size: number, color: RGB): number {
    // Consecutive characters of the same Type 3 font go out in one show-text operation.
    const groups: { font: number; codes: number[] }[] = [];
    for (const ch of text) {
      const c = this.codeOf(ch);
      const last = groups[groups.length - 1];
      if (last && last.font === c.font) last.codes.push(c.code);
      else groups.push({ font: c.font, codes: [c.code] });
    }
    const ops = [pushGraphicsState(), setFillingColor(color), beginText()];
    let pen = 0;
    for (const g of groups) {
      ops.push(
        setFontAndSize(this.fontName(page, g.font), size),
        setTextMatrix(1, 0, 0, 1, x + pen, y),
        showText(PDFHexString.of(g.codes.map((c) => c.toString(16).padStart(2, '0')).join(''))),
      );
      for (const c of g.codes) pen += (outlineOf(this.type3[g.font]!.chars[c - 1]!).advance * size) / cjkFont().unitsPerEm;
    }
    ops.push(endText(), popGraphicsState());
    page.pushOperators(...ops);
    return pen;
  }
}
