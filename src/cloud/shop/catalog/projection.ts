/**
 * Keeping the shop's projections (schema.ts) as records merge: called with the rows a push or the
 * shop itself just wrote, in the same transaction. Each table gets one statement per batch, the
 * rows passed as arrays, so a push of a thousand changes stays a handful of round trips.
 *
 * Facts count once: a resent fact is left as it was by insertFacts (its stored seq is the old one),
 * so only facts whose stored seq is the one this batch gave them move stock, sales and ratings.
 */
import { pinyin } from 'pinyin-pro';
import { sql } from 'drizzle-orm';
import { foldText, searchTokens, spaceCjk } from '../../../shared/search-text';
import { DELETED_FIELD } from '../../../shared/sync/entities';
import { rowsOf, type CloudDb } from '../../db/open';
import type { CloudDeps } from '../../deps';
import { parseMutableBody, type RecordRow } from '../../records';
import { projectReviews } from '../reviews/projection';
import { projectRecommendations } from '../recommend/projection';
import { projectOrderProgress } from '../delivery/progress';
import { projectReceipts } from '../receipts/projection';
import { dropReplacedPictures } from '../pictures/projection';

type Written = Pick<RecordRow, 'entity' | 'storeId' | 'entityId' | 'kind' | 'body' | 'seq'>;

/** The store settings the shop reads. */
export const SHOP_SETTING_KEYS = [
  'currency',
  'priceMode',
  'onlineSafetyBuffer',
  'storeName',
  'timezone',
  'onlineAutoCompleteDays',
  'onlineReturnDays',
] as const;

const PROJECTED = new Set([
  'product',
  'online_listing',
  'tax_rate',
  'category',
  'setting',
  'stock_movement',
  'order',
  'feedback',
  'online_order_event',
]);

/** Steps after which a paid online order no longer holds stock back: the till's movement has the units (or none left). */
export const SETTLING_EVENTS: readonly string[] = ['shipped', 'picked_up', 'cancelled', 'refunded'];

const texts = (values: (string | null)[]) => sql`${sql.param(values)}::text[]`;

/**
 * The longest `search_words` kept on a listing's row, in bytes: the best sellers' index carries it,
 * and an index entry may not pass 2,704 bytes.
 */
export const SEARCH_WORDS_MAX = 2000;
const bigints = (values: (number | null)[]) => sql`${sql.param(values.map((v) => (v === null ? null : String(v))))}::bigint[]`;
const bools = (values: boolean[]) => sql`${sql.param(values)}::boolean[]`;

export const syllablesOf = (run: string) =>
  pinyin(run, { toneType: 'none', type: 'array' }).map((s) => s.toLowerCase().replace(/[^a-z]/g, ''));

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

/**
 * Projects `rows` (as written to `records`). `fresh`: every fact is new (a rebuild from the
 * records), so none is looked up.
 */
export async function projectShopRecords(tx: CloudDb, orgId: string, rows: Written[], opts: { fresh?: boolean } = {}): Promise<void> {
  await projectReviews(tx, orgId, rows);
  await projectRecommendations(tx, orgId, rows);
  await projectOrderProgress(tx, orgId, rows);
  await projectReceipts(tx, orgId, rows);
  const mine = rows.filter((r) => PROJECTED.has(r.entity));
  if (mine.length === 0) return;
  // The catalog is kept from the shop's first visit on, which builds it whole from the records
  // (rebuildShopProjections, under the same lock as this push): before that, keeping it would be
  // work thrown away, on every push of an organisation that sells only at the counter.
  if (!opts.fresh) {
    const [kept] = await rowsOf<{ one: number }>(tx, sql`SELECT 1 AS one FROM shop_projected_orgs WHERE org_id = ${orgId}`);
    if (!kept) return;
  }
  const mutable = new Map<string, Map<string, Data>>();
  const facts: Written[] = [];
  for (const r of mine) {
    if (r.kind === 'mutable') {
      let m = mutable.get(r.entity);
      if (!m) mutable.set(r.entity, (m = new Map()));
      m.set(`${r.storeId}\u0000${r.entityId}`, parseMutableBody(r.body).d);
    } else facts.push(r);
  }
  // Tax rates and categories first: products read their rate.
  await projectTaxRates(tx, orgId, mutable.get('tax_rate'));
  await projectCategories(tx, orgId, mutable.get('category'));
  await projectProducts(tx, orgId, mutable.get('product'), opts.fresh === true);
  await projectListings(tx, orgId, mutable.get('online_listing'));
  await projectSettings(tx, orgId, mutable.get('setting'));
  if (facts.length > 0) await projectFacts(tx, orgId, opts.fresh ? facts : await newFacts(tx, orgId, facts));
}

const keyId = (k: string) => k.slice(k.indexOf('\u0000') + 1);
const keyStore = (k: string) => k.slice(0, k.indexOf('\u0000'));

async function projectTaxRates(tx: CloudDb, orgId: string, recs: Map<string, Data> | undefined) {
  if (!recs) return;
  const ids: string[] = [];
  const rates: number[] = [];
  for (const [k, d] of recs) {
    const rate = int(d.rate_bp);
    if (rate === null) continue;
    ids.push(keyId(k));
    rates.push(rate);
  }
  if (ids.length === 0) return;
  await tx.execute(sql`
    INSERT INTO shop_tax_rates (org_id, tax_rate_id, rate_bp)
    SELECT ${orgId}::uuid, x.id, x.rate FROM unnest(${texts(ids)}, ${bigints(rates)}) AS x(id, rate)
    ON CONFLICT (org_id, tax_rate_id) DO UPDATE SET rate_bp = excluded.rate_bp`);
  await tx.execute(sql`
    UPDATE shop_products p SET tax_rate_bp = t.rate_bp FROM shop_tax_rates t
    WHERE p.org_id = ${orgId} AND t.org_id = ${orgId} AND p.tax_rate_id = t.tax_rate_id AND t.tax_rate_id = ANY(${texts(ids)})
      AND p.tax_rate_bp <> t.rate_bp`);
}

async function projectCategories(tx: CloudDb, orgId: string, recs: Map<string, Data> | undefined) {
  if (!recs) return;
  const list = [...recs].filter(([, d]) => str(d.name) !== null);
  if (list.length === 0) return;
  await tx.execute(sql`
    INSERT INTO shop_categories (org_id, category_id, name, alt_name, archived)
    SELECT ${orgId}::uuid, x.id, x.name, x.alt, x.archived
    FROM unnest(${texts(list.map(([k]) => keyId(k)))}, ${texts(list.map(([, d]) => str(d.name)))},
      ${texts(list.map(([, d]) => str(d.alt_name)))}, ${bools(list.map(([, d]) => d.archived === true))}) AS x(id, name, alt, archived)
    ON CONFLICT (org_id, category_id) DO UPDATE SET name = excluded.name, alt_name = excluded.alt_name, archived = excluded.archived`);
}

async function projectProducts(tx: CloudDb, orgId: string, recs: Map<string, Data> | undefined, fresh: boolean) {
  if (!recs) return;
  const list = [...recs].filter(([, d]) => str(d.name) !== null);
  if (list.length === 0) return;
  const ids = list.map(([k]) => keyId(k));
  const searchText = list.map(([, d]) => spaceCjk(foldText(`${str(d.name)} ${str(d.alt_name) ?? ''} ${str(d.sku) ?? ''}`)));
  // Most changes are prices and stock: a product whose names and SKU are as indexed keeps its tokens.
  const indexed = new Map<string, string>();
  if (!fresh)
    for (const r of await rowsOf<{ product_id: string; search_text: string; name: string | null }>(
      tx,
      sql`SELECT product_id, search_text, name FROM shop_products WHERE org_id = ${orgId} AND product_id = ANY(${texts(ids)})`,
    ))
      if (r.name !== null) indexed.set(r.product_id, r.search_text);
  // Catalogs repeat runs of Chinese (brands, product words): each is read once per batch.
  const seen = new Map<string, string[]>();
  const syllables = (run: string) => {
    let s = seen.get(run);
    if (!s) seen.set(run, (s = syllablesOf(run)));
    return s;
  };
  const retokened: string[] = [];
  const tokenIds: string[] = [];
  const tokens: string[] = [];
  // Per product: its tokens as one text (schema.ts, `searchWords`), or null when they are kept as they are.
  const words: (string | null)[] = [];
  list.forEach(([k, d], n) => {
    const id = keyId(k);
    if (indexed.get(id) === searchText[n]) {
      words.push(null);
      return;
    }
    retokened.push(id);
    const own = searchTokens(syllables, { name: str(d.name)!, altName: str(d.alt_name), sku: str(d.sku) });
    for (const t of own) {
      tokenIds.push(id);
      tokens.push(t);
    }
    // Tokens too long to keep on the row (a very long Chinese name) are '': searches probe the token index for it.
    const joined = ` ${own.join(' ')} `;
    words.push(Buffer.byteLength(joined) <= SEARCH_WORDS_MAX ? joined : '');
  });
  await tx.execute(sql`
    INSERT INTO shop_products (org_id, product_id, name, sku, alt_name, unit, price, tax_rate_id, tax_rate_bp, category_id, image,
      archived, created_at, updated_at, search_text, search_words)
    SELECT ${orgId}::uuid, x.id, x.name, x.sku, x.alt, x.unit, x.price, x.tax, COALESCE(t.rate_bp, 0), x.cat, x.image,
      x.archived, x.created, x.updated, x.st, x.sw
    FROM unnest(${texts(ids)}, ${texts(list.map(([, d]) => str(d.name)))}, ${texts(list.map(([, d]) => str(d.sku) ?? ''))},
      ${texts(list.map(([, d]) => str(d.alt_name)))}, ${texts(list.map(([, d]) => str(d.unit) ?? 'each'))},
      ${bigints(list.map(([, d]) => int(d.price) ?? 0))}, ${texts(list.map(([, d]) => str(d.tax_rate_id)))},
      ${texts(list.map(([, d]) => str(d.category_id)))}, ${texts(list.map(([, d]) => str(d.image)))},
      ${bools(list.map(([, d]) => d.archived === true || d[DELETED_FIELD] === true))},
      ${bigints(list.map(([, d]) => int(d.created_at) ?? 0))}, ${bigints(list.map(([, d]) => int(d.updated_at) ?? 0))},
      ${texts(searchText)}, ${texts(words)}) AS x(id, name, sku, alt, unit, price, tax, cat, image, archived, created, updated, st, sw)
    LEFT JOIN shop_tax_rates t ON t.org_id = ${orgId} AND t.tax_rate_id = x.tax
    ON CONFLICT (org_id, product_id) DO UPDATE SET name = excluded.name, sku = excluded.sku, alt_name = excluded.alt_name,
      unit = excluded.unit, price = excluded.price, tax_rate_id = excluded.tax_rate_id, tax_rate_bp = excluded.tax_rate_bp,
      category_id = excluded.category_id, image = excluded.image, archived = excluded.archived, created_at = excluded.created_at,
      updated_at = excluded.updated_at, search_text = excluded.search_text,
      search_words = COALESCE(excluded.search_words, shop_products.search_words)`);
  // A picture the record no longer names (changed or removed at a till) leaves the shop with it.
  await dropReplacedPictures(tx, orgId, ids);
  if (retokened.length > 0 && !fresh)
    await tx.execute(sql`DELETE FROM shop_search_tokens WHERE org_id = ${orgId} AND product_id COLLATE "C" = ANY(${texts(retokened)})`);
  // Each product's tokens are distinct and its old ones are gone: a plain insert, no conflict probe.
  // They take their product's rank as it is now; the trigger on shop_products keeps it from then on.
  if (tokens.length > 0)
    await tx.execute(sql`
      INSERT INTO shop_search_tokens (org_id, token, product_id, rank)
      SELECT ${orgId}::uuid, x.token, x.id, COALESCE(r.rank, 0) FROM unnest(${texts(tokens)}, ${texts(tokenIds)}) AS x(token, id)
      LEFT JOIN (SELECT p.product_id, shop_search_rank(p.listed, p.sold_count) AS rank FROM shop_products p
        WHERE p.org_id = ${orgId} AND p.product_id = ANY(${texts(retokened)})) r ON r.product_id = x.id`);
}

async function projectListings(tx: CloudDb, orgId: string, recs: Map<string, Data> | undefined) {
  if (!recs) return;
  const list = [...recs];
  // The record's body is its merged state: a field it never had takes the listing's default.
  await tx.execute(sql`
    INSERT INTO shop_products (org_id, product_id, sold_online, description, safety_buffer)
    SELECT ${orgId}::uuid, x.id, x.sold, x.descr, x.buffer
    FROM unnest(${texts(list.map(([k]) => keyId(k)))}, ${bools(list.map(([, d]) => d.sold_online === true))},
      ${texts(list.map(([, d]) => str(d.description) ?? ''))}, ${bigints(list.map(([, d]) => int(d.safety_buffer)))}) AS x(id, sold, descr, buffer)
    ON CONFLICT (org_id, product_id) DO UPDATE SET
      sold_online = excluded.sold_online, description = excluded.description, safety_buffer = excluded.safety_buffer`);
}

async function projectSettings(tx: CloudDb, orgId: string, recs: Map<string, Data> | undefined) {
  if (!recs) return;
  const set: [string, string, string][] = [];
  const gone: [string, string][] = [];
  for (const [k, d] of recs) {
    const key = keyId(k);
    if (!(SHOP_SETTING_KEYS as readonly string[]).includes(key)) continue;
    if (d[DELETED_FIELD] === true || d.value === undefined) gone.push([keyStore(k), key]);
    else set.push([keyStore(k), key, JSON.stringify(d.value)]);
  }
  if (set.length > 0)
    await tx.execute(sql`
      INSERT INTO shop_store_settings (org_id, store_id, key, value)
      SELECT ${orgId}::uuid, x.store_id, x.key, x.value
      FROM unnest(${texts(set.map((s) => s[0]))}, ${texts(set.map((s) => s[1]))}, ${texts(set.map((s) => s[2]))}) AS x(store_id, key, value)
      ON CONFLICT (org_id, store_id, key) DO UPDATE SET value = excluded.value`);
  if (gone.length > 0)
    await tx.execute(sql`
      DELETE FROM shop_store_settings WHERE org_id = ${orgId}
        AND (store_id, key) IN (SELECT * FROM unnest(${texts(gone.map((g) => g[0]))}, ${texts(gone.map((g) => g[1]))}))`);
}

/** The facts of `facts` this batch inserted (a resent one keeps the seq it was first stored with). */
async function newFacts(tx: CloudDb, orgId: string, facts: Written[]): Promise<Written[]> {
  const found = await rowsOf<{ entity: string; store_id: string; entity_id: string }>(
    tx,
    sql`SELECT entity, store_id, entity_id FROM records
        WHERE org_id = ${orgId} AND (entity, store_id, entity_id, seq) IN (
          SELECT * FROM unnest(${texts(facts.map((f) => f.entity))}, ${texts(facts.map((f) => f.storeId))},
            ${texts(facts.map((f) => f.entityId))}, ${bigints(facts.map((f) => f.seq))}))`,
  );
  const fresh = new Set(found.map((f) => `${f.entity}\u0000${f.store_id}\u0000${f.entity_id}`));
  return facts.filter((f) => fresh.has(`${f.entity}\u0000${f.storeId}\u0000${f.entityId}`));
}

async function projectFacts(tx: CloudDb, orgId: string, facts: Written[]) {
  const stock = new Map<string, number>();
  const sold = new Map<string, number>();
  const ratings = new Map<string, [number, number]>();
  const settled = new Set<string>();
  for (const f of facts) {
    const body = JSON.parse(f.body) as { d: Data; ch?: Record<string, Data[]> };
    if (f.entity === 'stock_movement') {
      const pid = str(body.d.product_id);
      const delta = int(body.d.qty_delta);
      if (!pid || delta === null) continue;
      const k = `${f.storeId}\u0000${pid}`;
      stock.set(k, (stock.get(k) ?? 0) + delta);
    } else if (f.entity === 'order') {
      for (const line of body.ch?.order_lines ?? []) {
        const pid = str(line.product_id);
        const q = int(line.qty);
        if (pid && q !== null) sold.set(pid, (sold.get(pid) ?? 0) + q);
      }
    } else if (f.entity === 'online_order_event') {
      const orderId = str(body.d.order_id);
      if (orderId && SETTLING_EVENTS.includes(String(body.d.kind))) settled.add(orderId);
    } else if (f.entity === 'feedback') {
      const pid = str(body.d.product_id);
      const rating = int(body.d.rating);
      if (!pid || rating === null) continue;
      const [s, n] = ratings.get(pid) ?? [0, 0];
      ratings.set(pid, [s + rating, n + 1]);
    }
  }
  if (settled.size > 0)
    await tx.execute(sql`
      UPDATE shop_reservations SET settled = true
      WHERE org_id = ${orgId} AND order_id = ANY(${texts([...settled])}) AND state = 'consumed' AND NOT settled`);
  if (stock.size > 0) {
    const list = [...stock];
    await tx.execute(sql`
      INSERT INTO shop_stock (org_id, store_id, product_id, on_hand)
      SELECT ${orgId}::uuid, x.store_id, x.product_id, x.delta
      FROM unnest(${texts(list.map(([k]) => keyStore(k)))}, ${texts(list.map(([k]) => keyId(k)))}, ${bigints(list.map(([, v]) => v))})
        AS x(store_id, product_id, delta)
      ON CONFLICT (org_id, store_id, product_id) DO UPDATE SET on_hand = shop_stock.on_hand + excluded.on_hand`);
  }
  // A sale or a rating of a product the shop has not seen yet makes its row: the product record follows.
  if (sold.size > 0) {
    const list = [...sold];
    await tx.execute(sql`
      INSERT INTO shop_products (org_id, product_id, sold_count)
      SELECT ${orgId}::uuid, x.id, x.n FROM unnest(${texts(list.map(([k]) => k))}, ${bigints(list.map(([, v]) => v))}) AS x(id, n)
      ON CONFLICT (org_id, product_id) DO UPDATE SET sold_count = shop_products.sold_count + excluded.sold_count`);
  }
  if (ratings.size > 0) {
    const list = [...ratings];
    await tx.execute(sql`
      INSERT INTO shop_products (org_id, product_id, rating_sum, rating_count)
      SELECT ${orgId}::uuid, x.id, x.s, x.n
      FROM unnest(${texts(list.map(([k]) => k))}, ${bigints(list.map(([, v]) => v[0]))}, ${bigints(list.map(([, v]) => v[1]))}) AS x(id, s, n)
      ON CONFLICT (org_id, product_id) DO UPDATE SET
        rating_sum = shop_products.rating_sum + excluded.rating_sum, rating_count = shop_products.rating_count + excluded.rating_count`);
  }
}

/**
 * Builds an organisation's projections from its records (an organisation whose records predate
 * the shop), under the organisation's lock so no push lands half-way. Runs once per organisation:
 * `ensureShopProjections` calls it lazily on the first shop request.
 */
export async function rebuildShopProjections(
  deps: Pick<CloudDeps, 'db' | 'clock'>,
  orgId: string,
  opts: { onlyIfNeverBuilt?: boolean } = {},
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM orgs WHERE id = ${orgId} FOR NO KEY UPDATE`);
    // Two first visits at once: the second finds the work done once it has the lock.
    if (opts.onlyIfNeverBuilt) {
      const [done] = await rowsOf<{ one: number }>(tx, sql`SELECT 1 AS one FROM shop_projected_orgs WHERE org_id = ${orgId}`);
      if (done) return;
    }
    for (const table of [
      'shop_products',
      'shop_search_tokens',
      'shop_categories',
      'shop_tax_rates',
      'shop_store_settings',
      'shop_stock',
      'shop_reviews',
    ])
      await tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE org_id = ${orgId}`);
    // Entity by entity, tax rates before products, a page of records at a time.
    for (const entity of [
      'tax_rate',
      'category',
      'product',
      'online_listing',
      'setting',
      'stock_movement',
      'order',
      'feedback',
      'product_review',
    ]) {
      let after = { storeId: '', entityId: '' };
      for (;;) {
        const page = await rowsOf<{ store_id: string; entity_id: string; kind: RecordRow['kind']; body: string; seq: string | number }>(
          tx,
          sql`SELECT store_id, entity_id, kind, body, seq FROM records
              WHERE org_id = ${orgId} AND entity = ${entity} AND (store_id, entity_id) > (${after.storeId}, ${after.entityId})
              ORDER BY store_id, entity_id LIMIT 2000`,
        );
        if (page.length === 0) break;
        await projectShopRecords(
          tx,
          orgId,
          page.map((r) => ({ entity, storeId: r.store_id, entityId: r.entity_id, kind: r.kind, body: r.body, seq: Number(r.seq) })),
          { fresh: true },
        );
        const last = page[page.length - 1]!;
        after = { storeId: last.store_id, entityId: last.entity_id };
      }
    }
    await tx.execute(sql`
      INSERT INTO shop_projected_orgs (org_id, built_at) VALUES (${orgId}, ${deps.clock()})
      ON CONFLICT (org_id) DO UPDATE SET built_at = excluded.built_at`);
  });
}

/** Builds the organisation's projections if they never were (one index probe when they were). */
export async function ensureShopProjections(deps: Pick<CloudDeps, 'db' | 'clock'>, orgId: string): Promise<void> {
  const [done] = await rowsOf<{ one: number }>(deps.db, sql`SELECT 1 AS one FROM shop_projected_orgs WHERE org_id = ${orgId}`);
  if (done) return;
  await rebuildShopProjections(deps, orgId, { onlyIfNeverBuilt: true });
}
