/**
 * The search normalisation the till and the online shop share: Chinese characters as single
 * tokens, pinyin (full syllables and initials from every syllable), Latin words as prefixes. Pure:
 * the caller passes the function that gives a run of Chinese characters its syllables (pinyin-pro,
 * loaded when each process wants it).
 */

/** Toneless, lower-case pinyin of a run of Chinese characters, one syllable per character. */
export type SyllablesOf = (run: string) => string[];

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
const CJK_G = /[\u3400-\u9fff\uf900-\ufaff]/gu;
const CJK_RUNS = /[\u3400-\u9fff\uf900-\ufaff]+/gu;

/** Chinese characters become one token each, so a 1–2 character query can match inside a name. */
export function spaceCjk(text: string): string {
  return text
    .replace(CJK_G, (ch) => ` ${ch} `)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Pinyin tokens for the Chinese part of names: full syllables joined from every syllable boundary
 * and initials from every position, so `pg` and `pingguo` find 富士苹果.
 */
export function pinyinTokenList(syllablesOf: SyllablesOf, ...names: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    if (!name || !CJK.test(name)) continue;
    for (const run of name.match(CJK_RUNS) ?? []) {
      const full = syllablesOf(run);
      const initials = full.map((s) => s[0] ?? '');
      for (let i = 0; i < full.length; i++) {
        out.add(full.slice(i).join(''));
        out.add(initials.slice(i).join(''));
      }
    }
  }
  return [...out].filter(Boolean);
}

/** Lower-case, width-folded (NFKC) text: what both the index and a query are compared in. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Latin (and other non-Chinese) words of a text, folded. */
export function latinWords(text: string): string[] {
  return foldText(text)
    .replace(CJK_G, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Every token a product is found by: its words, each Chinese character, its pinyin, and its SKU
 * (whole and by its words). A query term matches a token it is a prefix of (a Chinese character matches itself).
 */
export function searchTokens(syllablesOf: SyllablesOf, p: { name: string; altName?: string | null; sku?: string | null }): string[] {
  const names = `${p.name} ${p.altName ?? ''}`;
  const out = new Set<string>(latinWords(names));
  for (const ch of foldText(names).match(CJK_G) ?? []) out.add(ch);
  for (const t of pinyinTokenList(syllablesOf, p.name, p.altName)) out.add(t);
  if (p.sku) {
    out.add(foldText(p.sku));
    for (const w of latinWords(p.sku)) out.add(w);
  }
  return [...out].filter((t) => t.length <= 200);
}

/** What a query asks for: words matched as prefixes, and runs of Chinese characters matched as phrases. */
export interface SearchTerms {
  prefixes: string[];
  cjkRuns: string[];
}

export function searchTerms(typed: string): SearchTerms {
  const norm = foldText(typed);
  return {
    prefixes: [...new Set(latinWords(norm))],
    cjkRuns: [...new Set(norm.match(CJK_RUNS) ?? [])],
  };
}

/**
 * Turns what the clerk typed into an FTS5 query: Latin words become prefix terms, Chinese runs
 * become phrases of single characters. Returns null when nothing searchable is left.
 */
export function ftsQuery(typed: string): string | null {
  const norm = foldText(typed);
  const terms: string[] = [];
  for (const raw of norm.split(/[\s,;/|]+/)) {
    const cjk = raw.match(CJK_G);
    if (cjk) terms.push(`text:"${cjk.join(' ')}"`);
    for (const word of raw.replace(CJK_G, ' ').split(/[^\p{L}\p{N}]+/u)) {
      if (word) terms.push(`"${word}"*`);
    }
  }
  return terms.length ? terms.join(' AND ') : null;
}

/**
 * Text that may be the start of a SKU or barcode: one token (no spaces) of at least 2 ASCII
 * letters, digits or `- _ . /`, beginning with a letter or digit. ASCII only, so the range bound
 * of `codePrefixRange` is exact under SQLite's byte-wise (BINARY) text order.
 */
const CODE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._/-]+$/;

export function looksLikeCode(q: string): boolean {
  return CODE_PREFIX.test(q);
}

/**
 * Whether a code-looking text is more likely a code than a word of a name: it has code punctuation
 * or a digit, but is not a short number, which names hold as sizes and counts ("12", "330").
 * Plain words ("milk", "cola") are names first.
 */
export function codeFirst(q: string): boolean {
  return looksLikeCode(q) && (/[._/-]/.test(q) || (/\d/.test(q) && !/^\d{1,4}$/.test(q)));
}

/** `[from, to)`: every text that starts with `prefix` (the last character incremented gives the bound). */
export function codePrefixRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}
