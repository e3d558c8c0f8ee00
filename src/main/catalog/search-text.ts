import { createRequire } from 'node:module';
import type * as PinyinPro from 'pinyin-pro';

/**
 * pinyin-pro (its dictionary is about a tenth of a second to load) is loaded by the first name that
 * needs pinyin, not at start: scanning, searching and selling never need it.
 */
let pinyinPro: typeof PinyinPro | null = null;
function pinyinOf(): typeof PinyinPro.pinyin {
  pinyinPro ??= createRequire(import.meta.url)('pinyin-pro') as typeof PinyinPro;
  return pinyinPro.pinyin;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
const CJK_G = /[\u3400-\u9fff\uf900-\ufaff]/gu;

/** Chinese characters become one token each, so a 1–2 character query can match inside a name. */
export function spaceCjk(text: string): string {
  return text
    .replace(CJK_G, (ch) => ` ${ch} `)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Pinyin tokens for the Chinese part of a name: full syllables joined from every syllable
 * boundary and initials from every position, so `pg` and `pingguo` find 富士苹果.
 */
/**
 * Syllables of a run of Chinese characters. pinyin-pro needs the whole run (a character's reading
 * depends on its neighbours) and is the slow part of indexing a name, while catalogs repeat the
 * same runs (brand and product words across sizes and variants): recent runs are remembered.
 */
const syllableCache = new Map<string, string[]>();
const SYLLABLE_CACHE_MAX = 20_000;

/** Toneless pinyin of a run of Chinese characters, one syllable each (cached). */
export function pinyinSyllables(run: string): string[] {
  return syllables(run);
}

function syllables(run: string): string[] {
  let full = syllableCache.get(run);
  if (!full) {
    full = pinyinOf()(run, { toneType: 'none', type: 'array' }).map((s) => s.toLowerCase().replace(/[^a-z]/g, ''));
    if (syllableCache.size >= SYLLABLE_CACHE_MAX) syllableCache.delete(syllableCache.keys().next().value!);
    syllableCache.set(run, full);
  }
  return full;
}

export function pinyinTokens(...names: (string | null | undefined)[]): string {
  const out = new Set<string>();
  for (const name of names) {
    if (!name || !CJK.test(name)) continue;
    for (const run of name.match(/[\u3400-\u9fff\uf900-\ufaff]+/gu) ?? []) {
      const full = syllables(run);
      const initials = full.map((s) => s[0] ?? '');
      for (let i = 0; i < full.length; i++) {
        out.add(full.slice(i).join(''));
        out.add(initials.slice(i).join(''));
      }
    }
  }
  return [...out].filter(Boolean).join(' ');
}

export interface SearchDoc {
  text: string;
  py: string;
}

/**
 * A product's search entry: its names and their pinyin. SKU and barcodes are not indexed here
 * (search reads them from their own unique indexes, see `SEARCH_SQL`).
 */
export function searchDoc(p: { name: string; altName?: string | null }): SearchDoc {
  return {
    text: spaceCjk(`${p.name} ${p.altName ?? ''}`),
    py: pinyinTokens(p.name, p.altName),
  };
}

/**
 * Turns what the clerk typed into an FTS5 query: Latin words become prefix terms, Chinese runs
 * become phrases of single characters. Returns null when nothing searchable is left.
 */
export function ftsQuery(typed: string): string | null {
  const norm = typed.normalize('NFKC').toLowerCase();
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
