/**
 * Price lists as managers keep them: a target (members, a customer group, a store) and entries
 * (product → unit price, optionally from a minimum quantity). Every write is checked (the products
 * must exist here, the group too), audited, queued for sync, and drops the till's compiled lists
 * so the next cart prices with the change. A call that fails writes nothing (the router's
 * transaction rolls back).
 */
import type { PriceList, PriceListEntryRow } from '../../shared/api/price-lists';
import type { PriceListTarget } from '../../shared/price-lists/resolve';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { groupExists } from './groups';
import { invalidatePriceLists } from './state';
import { UNSTAMPED } from '../db/write-path';
import type { Cols, SqlRow } from '../db/rows';
import type { priceListEntries, priceLists, products } from '../db/schema';

type ListCol = SqlRow<typeof priceLists>;
type EntryCol = SqlRow<typeof priceListEntries>;

/** An entry as the writes below read it back. */
type EntryRow = Cols<typeof priceListEntries, 'id' | 'price'> & { productId: EntryCol['product_id']; minQty: EntryCol['min_qty'] };

type D = Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'hlc' | 'terminalCode' | 'priceLists'>;

/** SELECT */
type ListRow = Cols<typeof priceLists, 'id' | 'name' | 'active'> & {
  nameZh: ListCol['name_zh'];
  kind: ListCol['target_kind'];
  targetId: ListCol['target_id'];
  entries: number;
  createdAt: ListCol['created_at'];
  updatedAt: ListCol['updated_at'];
};

const SELECT = `SELECT l.id, l.name, l.name_zh AS nameZh, l.target_kind AS kind, l.target_id AS targetId, l.active,
  l.created_at AS createdAt, l.updated_at AS updatedAt,
  (SELECT COUNT(*) FROM price_list_entries e WHERE e.price_list_id = l.id) AS entries
  FROM price_lists l`;

function targetOf(r: ListRow): PriceListTarget {
  if (r.kind === 'group') return { kind: 'group', groupId: r.targetId ?? '' };
  if (r.kind === 'store') return { kind: 'store', storeId: r.targetId ?? '' };
  return { kind: 'members' };
}

function toList(r: ListRow): PriceList {
  return {
    id: r.id,
    name: r.name,
    nameZh: r.nameZh,
    target: targetOf(r),
    active: r.active === 1,
    entries: r.entries,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function listPriceLists(deps: Pick<Deps, 'sqlite'>): PriceList[] {
  return (deps.sqlite.prepare(`${SELECT} ORDER BY l.active DESC, l.name COLLATE NOCASE, l.id`).all() as ListRow[]).map(toList);
}

export function getPriceList(deps: Pick<Deps, 'sqlite'>, id: string): PriceList {
  const row = deps.sqlite.prepare(`${SELECT} WHERE l.id = ?`).get(id) as ListRow | undefined;
  if (!row) throw notFound('Price list', { field: 'listId' });
  return toList(row);
}

/** The list's entries with the product as the catalog has it, by product name; paged in SQL. */
export function listEntries(deps: Pick<Deps, 'sqlite'>, input: { listId: string; offset: number; limit: number }) {
  getPriceList(deps, input.listId);
  const total = deps.sqlite.prepare('SELECT COUNT(*) FROM price_list_entries WHERE price_list_id = ?').pluck().get(input.listId) as number;
  const items = deps.sqlite
    .prepare(
      `SELECT e.id, e.product_id AS productId, p.sku, p.name, p.price AS basePrice, e.min_qty AS minQty, e.price
       FROM price_list_entries e LEFT JOIN products p ON p.id = e.product_id
       WHERE e.price_list_id = ? ORDER BY p.name COLLATE NOCASE, e.product_id, e.min_qty LIMIT ? OFFSET ?`,
    )
    .all(input.listId, input.limit, input.offset) as (EntryRow & {
    sku: SqlRow<typeof products>['sku'] | null;
    name: SqlRow<typeof products>['name'] | null;
    basePrice: SqlRow<typeof products>['price'] | null;
  })[] satisfies PriceListEntryRow[];
  return { items, total };
}

function targetColumns(deps: Pick<Deps, 'sqlite'>, target: PriceListTarget): { kind: string; targetId: string | null } {
  if (target.kind === 'group') {
    if (!groupExists(deps, target.groupId))
      throw new AppError('VALIDATION', 'There is no such customer group', { field: 'target', messageKey: 'priceLists.err.unknownGroup' });
    return { kind: 'group', targetId: target.groupId };
  }
  // A store is the cloud's: this till may not know the organisation's other stores, so any id is kept.
  if (target.kind === 'store') return { kind: 'store', targetId: target.storeId };
  return { kind: 'members', targetId: null };
}

export function createPriceList(
  deps: D,
  input: { name: string; nameZh?: string | null | undefined; target: PriceListTarget; active?: boolean | undefined },
  staffId: string,
): PriceList {
  const t = targetColumns(deps, input.target);
  const id = deps.ids();
  const now = deps.clock();
  const row = {
    name: input.name.trim(),
    name_zh: input.nameZh?.trim() || null,
    target_kind: t.kind,
    target_id: t.targetId,
    active: input.active !== false,
  };
  deps.sqlite
    .prepare(
      'INSERT INTO price_lists (id, name, name_zh, target_kind, target_id, active, created_at, updated_at, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(id, row.name, row.name_zh, row.target_kind, row.target_id, row.active ? 1 : 0, now, now, UNSTAMPED);
  recordAudit(deps, { staffId, action: 'priceList.create', target: id, details: row, success: true });
  invalidatePriceLists(deps);
  return getPriceList(deps, id);
}

export function updatePriceList(
  deps: D,
  input: { id: string; name: string; nameZh?: string | null | undefined; target: PriceListTarget; active: boolean },
  staffId: string,
): PriceList {
  const before = getPriceList(deps, input.id);
  const t = targetColumns(deps, input.target);
  const row = {
    name: input.name.trim(),
    name_zh: input.nameZh === undefined ? before.nameZh : input.nameZh?.trim() || null,
    target_kind: t.kind,
    target_id: t.targetId,
    active: input.active,
  };
  deps.sqlite
    .prepare('UPDATE price_lists SET name = ?, name_zh = ?, target_kind = ?, target_id = ?, active = ?, updated_at = ? WHERE id = ?')
    .run(row.name, row.name_zh, row.target_kind, row.target_id, row.active ? 1 : 0, deps.clock(), input.id);
  recordAudit(deps, {
    staffId,
    action: 'priceList.update',
    target: input.id,
    details: { from: { name: before.name, nameZh: before.nameZh, target: before.target, active: before.active }, to: row },
    success: true,
  });
  invalidatePriceLists(deps);
  return getPriceList(deps, input.id);
}

const ids = (xs: readonly string[]) => JSON.stringify(xs);

/**
 * Adds entries, or re-prices the one a product already has at that minimum quantity. Every product
 * must exist on this till (an id from elsewhere, or a typo, refuses the whole call).
 */
export function setEntries(
  deps: D,
  input: { listId: string; entries: { productId: string; price: number; minQty?: number | undefined }[] },
  staffId: string,
): PriceList {
  getPriceList(deps, input.listId);
  const productIds = [...new Set(input.entries.map((e) => e.productId))];
  const known = new Set(
    deps.sqlite.prepare('SELECT id FROM products WHERE id IN (SELECT value FROM json_each(?))').pluck().all(ids(productIds)) as SqlRow<
      typeof products
    >['id'][],
  );
  const unknown = productIds.filter((p) => !known.has(p));
  if (unknown.length > 0)
    throw new AppError('VALIDATION', 'Some products are not in the catalog', {
      field: 'entries',
      productIds: unknown.slice(0, 20),
      count: unknown.length,
      messageKey: 'priceLists.err.unknownProducts',
    });
  const existing = new Map(
    (
      deps.sqlite
        .prepare(
          `SELECT id, product_id AS productId, min_qty AS minQty, price FROM price_list_entries
           WHERE price_list_id = ? AND product_id IN (SELECT value FROM json_each(?))`,
        )
        .all(input.listId, ids(productIds)) as EntryRow[]
    ).map((r) => [`${r.productId}/${r.minQty}`, r]),
  );
  const now = deps.clock();
  const insert = deps.sqlite.prepare(
    'INSERT INTO price_list_entries (id, price_list_id, product_id, min_qty, price, updated_at, hlc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const update = deps.sqlite.prepare('UPDATE price_list_entries SET price = ?, updated_at = ? WHERE id = ?');
  let added = 0;
  let changed = 0;
  for (const e of input.entries) {
    const minQty = e.minQty ?? 0;
    const was = existing.get(`${e.productId}/${minQty}`);
    if (was) {
      if (was.price === e.price) continue;
      update.run(e.price, now, was.id);
      changed += 1;
    } else {
      const id = deps.ids();
      insert.run(id, input.listId, e.productId, minQty, e.price, now, UNSTAMPED);
      added += 1;
    }
  }
  if (added + changed > 0) {
    recordAudit(deps, {
      staffId,
      action: 'priceList.entries',
      target: input.listId,
      // The first entries as sent: a 2,000-entry import keeps its audit row small.
      details: { added, changed, entries: input.entries.slice(0, 50) },
      success: true,
    });
    invalidatePriceLists(deps);
  }
  return getPriceList(deps, input.listId);
}

export function removeEntries(deps: D, input: { listId: string; entryIds: string[] }, staffId: string): PriceList {
  getPriceList(deps, input.listId);
  const rows = deps.sqlite
    .prepare(
      `SELECT id, product_id AS productId, min_qty AS minQty, price FROM price_list_entries
       WHERE price_list_id = ? AND id IN (SELECT value FROM json_each(?))`,
    )
    .all(input.listId, ids(input.entryIds)) as EntryRow[];
  if (rows.length !== new Set(input.entryIds).size)
    throw new AppError('NOT_FOUND', 'Some entries are not in this price list', {
      field: 'entryIds',
      messageKey: 'priceLists.err.unknownEntries',
    });
  const del = deps.sqlite.prepare('DELETE FROM price_list_entries WHERE id = ?');
  for (const r of rows) {
    del.run(r.id);
  }
  recordAudit(deps, {
    staffId,
    action: 'priceList.removeEntries',
    target: input.listId,
    details: { removed: rows.slice(0, 50) },
    success: true,
  });
  invalidatePriceLists(deps);
  return getPriceList(deps, input.listId);
}
