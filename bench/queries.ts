/**
 * A realistic as-you-type query mix over the seeded catalog: Latin prefixes (each keystroke of a
 * word), multi-word queries, 1–2 Chinese characters, pinyin (initials and full), and full barcodes
 * and SKUs sampled from the database. Deterministic for a given seed.
 */
import { pinyin } from 'pinyin-pro';
import type { BenchContext } from './context';
import { pick, rng } from './stats';
import { LATIN_BRANDS, LATIN_PRODUCTS, ZH_BRANDS, ZH_PRODUCTS } from './words';

export type QueryClass = 'latin-prefix' | 'multi-word' | 'chinese' | 'pinyin' | 'barcode' | 'sku';

export interface SearchQuery {
  q: string;
  cls: QueryClass;
}

export const QUERY_CLASSES: QueryClass[] = ['latin-prefix', 'multi-word', 'chinese', 'pinyin', 'barcode', 'sku'];

/** Share of each class in the mix. */
const MIX: [QueryClass, number][] = [
  ['latin-prefix', 0.4],
  ['multi-word', 0.1],
  ['chinese', 0.15],
  ['pinyin', 0.1],
  ['barcode', 0.15],
  ['sku', 0.1],
];

const MULTI_WORD = [
  'green tea',
  'dark choc',
  'olive oil',
  'orange ju',
  'oat milk',
  'peanut butter',
  'sea salt',
  'potato chips',
  'ice cream',
  'red wine',
  'almond m',
  'acme milk',
  'organic milk',
  'whole milk 1l',
  'coffee beans',
  'soy sauce',
  'toilet paper',
  'cat food',
  'milk choc',
  'mineral water 500ml',
];

const COMMON_CHARS = ['奶', '茶', '面', '水', '果', '酒', '油', '糖', '米', '肉', '蛋', '汁'];

function syllables(zh: string): string[] {
  return pinyin(zh, { toneType: 'none', type: 'array' }).map((s) => s.toLowerCase().replace(/[^a-z]/g, ''));
}

export function buildQueries(ctx: BenchContext, count: number, seed: number): SearchQuery[] {
  const rand = rng(seed);
  const counts = MIX.map(([cls, share]) => [cls, Math.round(count * share)] as const);
  const barcodes = ctx.sampleColumn('barcodes', 'code', counts.find(([c]) => c === 'barcode')![1], seed + 1);
  const skus = ctx.sampleColumn('products', 'sku', counts.find(([c]) => c === 'sku')![1], seed + 2);
  const out: SearchQuery[] = [];
  for (const [cls, n] of counts) {
    for (let k = 0; k < n; k++) {
      let q: string;
      switch (cls) {
        case 'latin-prefix': {
          // One keystroke of typing a product or brand word: "m", "mi", "mil", "milk", "choc"…
          const source = rand() < 0.8 ? pick(rand, LATIN_PRODUCTS) : pick(rand, LATIN_BRANDS);
          const word = source.toLowerCase().split(' ')[0]!;
          q = word.slice(0, 1 + Math.floor(rand() * Math.min(6, word.length)));
          break;
        }
        case 'multi-word':
          q = pick(rand, MULTI_WORD);
          break;
        case 'chinese': {
          const r = rand();
          if (r < 0.3) q = pick(rand, COMMON_CHARS);
          else {
            const word = rand() < 0.8 ? pick(rand, ZH_PRODUCTS)[0] : pick(rand, ZH_BRANDS)[0];
            q = r < 0.5 ? word.slice(0, 1) : word.slice(0, 2);
          }
          break;
        }
        case 'pinyin': {
          const word = rand() < 0.8 ? pick(rand, ZH_PRODUCTS)[0] : pick(rand, ZH_BRANDS)[0];
          const syl = syllables(word);
          q = rand() < 0.7 ? syl.map((s) => s[0]).join('') : syl.join('');
          break;
        }
        case 'barcode':
          q = barcodes[k]!;
          break;
        case 'sku':
          q = skus[k]!;
          break;
      }
      out.push({ q, cls });
    }
  }
  // Shuffle (Fisher–Yates) so classes interleave as they would at a counter.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The shared query set (warm-up + measured), built once per run so both search cases use the same queries. */
export function searchQueries(ctx: BenchContext): { warmup: SearchQuery[]; measured: SearchQuery[] } {
  const key = 'search.queries';
  let v = ctx.memo.get(key) as { warmup: SearchQuery[]; measured: SearchQuery[] } | undefined;
  if (!v) {
    v = { warmup: buildQueries(ctx, 50, 7), measured: buildQueries(ctx, 2000, 11) };
    ctx.memo.set(key, v);
  }
  return v;
}
