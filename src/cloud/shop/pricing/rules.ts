/**
 * The organisation's promotions and price lists as the shop reads them: straight from the synced
 * records (the tills' own definitions, org-wide), each request, so every cloud process prices with
 * what the tills last pushed. Nothing is cached between requests.
 */
import { sql } from 'drizzle-orm';
import { buildPromotionIndex, type PromotionIndex } from '../../../shared/promotions/engine';
import { promotionSchema, type Promotion } from '../../../shared/promotions/schema';
import {
  listApplies,
  type PriceContext,
  type PriceEntry,
  type PriceListInfo,
  type PriceListTarget,
} from '../../../shared/price-lists/resolve';
import { DELETED_FIELD } from '../../../shared/sync/entities';
import { rowsOf, type CloudDb } from '../../db/open';
import { parseMutableBody } from '../../records';
import type { ShopMember } from './member';

export interface ShopPricingRules {
  promotions: PromotionIndex;
  /** The entries of the active lists that can apply online, by product. */
  listEntries: Map<string, PriceEntry[]>;
  storeId: string;
  /** The till customer the buyer is (member and group terms apply), or null for everyone else. */
  member: ShopMember | null;
  /** The store's IANA zone: promotions' days and hours are read on its wall clock, as at the till. */
  timeZone: string;
}

type Data = Record<string, unknown>;

async function orgRecords(db: CloudDb, orgId: string, entity: string): Promise<{ id: string; d: Data }[]> {
  const rows = await rowsOf<{ entity_id: string; body: string }>(
    db,
    sql`SELECT entity_id, body FROM records WHERE org_id = ${orgId} AND entity = ${entity} AND store_id = ''`,
  );
  const out: { id: string; d: Data }[] = [];
  for (const r of rows) {
    const d = parseMutableBody(r.body).d;
    if (d[DELETED_FIELD] !== true) out.push({ id: r.entity_id, d });
  }
  return out;
}

/** The active promotions, as the till's index holds them (a definition that no longer parses is left out, as there). */
export async function activeShopPromotions(db: CloudDb, orgId: string): Promise<Promotion[]> {
  const list: Promotion[] = [];
  for (const { d } of await orgRecords(db, orgId, 'promotion')) {
    if (d.active !== true && d.active !== 1) continue;
    let def: unknown = d.definition;
    if (typeof def === 'string') {
      try {
        def = JSON.parse(def) as unknown;
      } catch {
        continue;
      }
    }
    const parsed = promotionSchema.safeParse(def);
    if (parsed.success) list.push(parsed.data);
  }
  return list;
}

function targetOf(kind: unknown, targetId: unknown): PriceListTarget | null {
  if (kind === 'members') return { kind: 'members' };
  if (kind === 'group' && typeof targetId === 'string' && targetId) return { kind: 'group', groupId: targetId };
  if (kind === 'store' && typeof targetId === 'string' && targetId) return { kind: 'store', storeId: targetId };
  return null;
}

/**
 * The entries of the active lists that apply to this buyer in this store, for these products: the
 * store's lists for everyone, and, for a buyer who is a till customer (member.ts), the members'
 * lists and their group's.
 */
async function storeListEntries(db: CloudDb, orgId: string, ctx: PriceContext, productIds: string[]): Promise<Map<string, PriceEntry[]>> {
  const out = new Map<string, PriceEntry[]>();
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return out;
  const lists = new Map<string, PriceListInfo>();
  for (const { id, d } of await orgRecords(db, orgId, 'price_list')) {
    if (d.active !== true && d.active !== 1) continue;
    const target = targetOf(d.target_kind, d.target_id);
    if (!target || !listApplies(target, ctx) || typeof d.name !== 'string') continue;
    lists.set(id, { id, name: d.name, nameZh: typeof d.name_zh === 'string' ? d.name_zh : null, target });
  }
  if (lists.size === 0) return out;
  const rows = await rowsOf<{ body: string }>(
    db,
    sql`SELECT body FROM records WHERE org_id = ${orgId} AND entity = 'price_list_entry' AND store_id = ''
        AND (body::jsonb -> 'd' ->> 'product_id') IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  );
  for (const r of rows) {
    const d = parseMutableBody(r.body).d;
    if (d[DELETED_FIELD] === true) continue;
    const list = typeof d.price_list_id === 'string' ? lists.get(d.price_list_id) : undefined;
    const { product_id: productId, min_qty: minQty, price } = d;
    if (!list || typeof productId !== 'string') continue;
    if (!Number.isSafeInteger(price) || (price as number) < 0 || !Number.isSafeInteger(minQty) || (minQty as number) < 0) continue;
    const entry: PriceEntry = { list, minQty: minQty as number, price: price as number };
    const existing = out.get(productId);
    if (existing) existing.push(entry);
    else out.set(productId, [entry]);
  }
  return out;
}

/** What prices these products online now for this buyer: the lists that apply to them and the organisation's active promotions. */
export async function loadPricingRules(
  db: CloudDb,
  at: { orgId: string; storeId: string; timeZone: string; member?: ShopMember | null },
  productIds: string[],
): Promise<ShopPricingRules> {
  const member = at.member ?? null;
  const [promotions, listEntries] = await Promise.all([
    activeShopPromotions(db, at.orgId),
    storeListEntries(db, at.orgId, { storeId: at.storeId, customer: member && { groupId: member.groupId } }, productIds),
  ]);
  return { promotions: buildPromotionIndex(promotions), listEntries, storeId: at.storeId, member, timeZone: at.timeZone };
}
