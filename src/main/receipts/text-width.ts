/**
 * Column arithmetic for monospaced receipt printers. Thermal printers print CJK ideographs and
 * full-width forms in two columns, everything else in one, so padding must count display width,
 * not string length.
 */

// East Asian Wide / Fullwidth blocks that receipt text can realistically contain.
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo leading consonants
  [0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compat, Kanbun, CJK compat
  [0x3400, 0x4dbf], // CJK Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // Fullwidth ASCII variants
  [0xffe0, 0xffe6], // Fullwidth signs (￥, ￡…)
  [0x20000, 0x3fffd], // CJK Extensions B and beyond
];

export function isWide(codePoint: number): boolean {
  for (const [lo, hi] of WIDE_RANGES) if (codePoint >= lo && codePoint <= hi) return true;
  return false;
}

export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0; // control characters print nothing
  if (cp >= 0x300 && cp <= 0x36f) return 0; // combining marks ride on the previous character
  return isWide(cp) ? 2 : 1;
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}

/** Pads with spaces on the right to `width` columns (never truncates). */
export function padEndWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStartWidth(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

export function centerWidth(text: string, width: number): string {
  const left = Math.max(0, Math.floor((width - displayWidth(text)) / 2));
  return ' '.repeat(left) + text;
}

/**
 * Breaks text into lines of at most `width` columns: at spaces where possible (Latin words stay
 * whole), anywhere between CJK characters, and hard-splits words longer than a line.
 */
export function wrapWidth(text: string, width: number): string[] {
  if (width <= 0) return [text];
  const out: string[] = [];
  // Pieces: runs of spaces, single wide characters (a line may break between any two of them),
  // and runs of narrow non-space characters (a Latin word, kept whole where possible).
  const pieces: string[] = [];
  for (const run of text.match(/ +|[^ ]+/g) ?? []) {
    if (run.startsWith(' ')) {
      pieces.push(run);
      continue;
    }
    let narrow = '';
    for (const ch of run) {
      if (charWidth(ch) === 2) {
        if (narrow) pieces.push(narrow);
        narrow = '';
        pieces.push(ch);
      } else narrow += ch;
    }
    if (narrow) pieces.push(narrow);
  }
  let line = '';
  let lineW = 0;
  const flush = () => {
    out.push(line.trimEnd());
    line = '';
    lineW = 0;
  };
  for (const token of pieces) {
    const w = displayWidth(token);
    if (token.startsWith(' ')) {
      if (lineW + w <= width) {
        line += token;
        lineW += w;
      } else if (lineW > 0) flush();
      continue;
    }
    if (lineW + w <= width) {
      line += token;
      lineW += w;
      continue;
    }
    if (w <= width) {
      if (lineW > 0) flush();
      line = token;
      lineW = w;
      continue;
    }
    // A word wider than a whole line: split it character by character.
    for (const ch of token) {
      const cw = charWidth(ch);
      if (lineW + cw > width && lineW > 0) flush();
      line += ch;
      lineW += cw;
    }
  }
  if (line.trim().length > 0 || out.length === 0) out.push(line.trimEnd());
  return out;
}

/**
 * One row with `left` text and a right-aligned `right` value. When both do not fit with at least
 * one space between them, the left text wraps and the value goes right-aligned on its last line
 * or, if that is full, on a line of its own.
 */
export function leftRight(left: string, right: string, width: number): string[] {
  const rightW = displayWidth(right);
  if (displayWidth(left) + 1 + rightW <= width) return [padEndWidth(left, width - rightW) + right];
  const wrapped = wrapWidth(left, width);
  const last = wrapped[wrapped.length - 1] ?? '';
  if (displayWidth(last) + 1 + rightW <= width) {
    wrapped[wrapped.length - 1] = padEndWidth(last, width - rightW) + right;
    return wrapped;
  }
  return [...wrapped, padStartWidth(right, width)];
}
