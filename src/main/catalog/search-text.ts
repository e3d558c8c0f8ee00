import { createRequire } from 'node:module';
import type * as PinyinPro from 'pinyin-pro';
import { pinyinTokenList, spaceCjk } from '../../shared/search-text';

// The pure part is shared with the online shop's search (src/shared/search-text.ts).
export { codeFirst, codePrefixRange, ftsQuery, looksLikeCode, spaceCjk } from '../../shared/search-text';

/**
 * pinyin-pro (its dictionary is about a tenth of a second to load) is loaded by the first name that
 * needs pinyin, not at start: scanning, searching and selling never need it.
 */
let pinyinPro: typeof PinyinPro | null = null;
function pinyinOf(): typeof PinyinPro.pinyin {
  pinyinPro ??= createRequire(import.meta.url)('pinyin-pro') as typeof PinyinPro;
  return pinyinPro.pinyin;
}

/**
 * Syllables of a run of Chinese characters. pinyin-pro needs the whole run (a character's reading
 * depends on its neighbours) and is the slow part of indexing a name, while catalogs repeat the
 * same runs (brand and product words across sizes and variants): recent runs are remembered.
 */
const syllableCache = new Map<string, string[]>();
const SYLLABLE_CACHE_MAX = 20_000;

/** Toneless pinyin of a run of Chinese characters, one syllable each (cached). */
export function pinyinSyllables(run: string): string[] {
  let full = syllableCache.get(run);
  if (!full) {
    full = pinyinOf()(run, { toneType: 'none', type: 'array' }).map((s) => s.toLowerCase().replace(/[^a-z]/g, ''));
    if (syllableCache.size >= SYLLABLE_CACHE_MAX) syllableCache.delete(syllableCache.keys().next().value!);
    syllableCache.set(run, full);
  }
  return full;
}

/** Pinyin tokens for the Chinese part of a name (see src/shared/search-text.ts), space-separated. */
export function pinyinTokens(...names: (string | null | undefined)[]): string {
  return pinyinTokenList(pinyinSyllables, ...names).join(' ');
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
