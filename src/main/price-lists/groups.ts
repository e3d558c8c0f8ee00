/**
 * Customer groups (会员, 批发) and which group each customer is in. A customer is in at most one
 * group; putting a customer in a group changes what they pay, so it is a manager's decision and is
 * audited. Every write goes to the outbox: groups and memberships sync across the organisation.
 */
import type { CustomerGroup } from '../../shared/api/price-lists';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { UNSTAMPED } from '../db/write-path';
import type { Cols, SqlRow } from '../db/rows';
import type { customerGroups, customerMemberships } from '../db/schema';

type GroupCol = SqlRow<typeof customerGroups>;
/** SELECT */
type GroupRow = Cols<typeof customerGroups, 'id' | 'name'> & {
  nameZh: GroupCol['name_zh'];
  createdAt: GroupCol['created_at'];
  updatedAt: GroupCol['updated_at'];
  customers: number;
};

type D = Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'hlc' | 'terminalCode'>;

const SELECT = `SELECT g.id, g.name, g.name_zh AS nameZh, g.created_at AS createdAt, g.updated_at AS updatedAt,
  (SELECT COUNT(*) FROM customer_memberships m WHERE m.group_id = g.id) AS customers
  FROM customer_groups g`;

export function listGroups(deps: Pick<Deps, 'sqlite'>): CustomerGroup[] {
  return deps.sqlite.prepare(`${SELECT} ORDER BY g.name COLLATE NOCASE, g.id`).all() as GroupRow[] satisfies CustomerGroup[];
}

export function getGroup(deps: Pick<Deps, 'sqlite'>, id: string): CustomerGroup {
  const row = deps.sqlite.prepare(`${SELECT} WHERE g.id = ?`).get(id) as GroupRow | undefined;
  if (!row) throw notFound('Customer group', { field: 'id', messageKey: 'priceLists.err.unknownGroup' });
  return row;
}

export function groupExists(deps: Pick<Deps, 'sqlite'>, id: string): boolean {
  return deps.sqlite.prepare('SELECT 1 FROM customer_groups WHERE id = ?').get(id) !== undefined;
}

function assertNameFree(deps: Pick<Deps, 'sqlite'>, name: string, exceptId: string | null): void {
  const dup = deps.sqlite.prepare('SELECT id FROM customer_groups WHERE lower(name) = lower(?) AND id IS NOT ?').get(name.trim(), exceptId);
  if (dup) throw new AppError('CONFLICT', 'Another group has this name', { field: 'name', messageKey: 'priceLists.err.groupNameTaken' });
}

export function createGroup(deps: D, input: { name: string; nameZh?: string | null | undefined }, staffId: string): CustomerGroup {
  assertNameFree(deps, input.name, null);
  const id = deps.ids();
  const now = deps.clock();
  const row = { id, name: input.name.trim(), nameZh: input.nameZh?.trim() || null };
  deps.sqlite
    .prepare('INSERT INTO customer_groups (id, name, name_zh, created_at, updated_at, hlc) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, row.name, row.nameZh, now, now, UNSTAMPED);
  recordAudit(deps, { staffId, action: 'customerGroup.create', target: id, details: row, success: true });
  return getGroup(deps, id);
}

export function updateGroup(
  deps: D,
  input: { id: string; name: string; nameZh?: string | null | undefined },
  staffId: string,
): CustomerGroup {
  const before = getGroup(deps, input.id);
  assertNameFree(deps, input.name, input.id);
  const to = { name: input.name.trim(), nameZh: input.nameZh === undefined ? before.nameZh : input.nameZh?.trim() || null };
  if (to.name === before.name && to.nameZh === before.nameZh) return before;
  deps.sqlite
    .prepare('UPDATE customer_groups SET name = ?, name_zh = ?, updated_at = ? WHERE id = ?')
    .run(to.name, to.nameZh, deps.clock(), input.id);
  recordAudit(deps, {
    staffId,
    action: 'customerGroup.update',
    target: input.id,
    details: { from: { name: before.name, nameZh: before.nameZh }, to },
    success: true,
  });
  return getGroup(deps, input.id);
}

/** Only an empty group that no list is for: nobody's price changes by surprise. */
export function deleteGroup(deps: D, id: string, staffId: string): { id: string } {
  const before = getGroup(deps, id);
  const lists = deps.sqlite
    .prepare("SELECT COUNT(*) FROM price_lists WHERE target_kind = 'group' AND target_id = ?")
    .pluck()
    .get(id) as number;
  if (before.customers > 0 || lists > 0)
    throw new AppError('CONFLICT', 'This group still has customers or price lists', {
      customers: before.customers,
      lists,
      messageKey: 'priceLists.err.groupInUse',
    });
  deps.sqlite.prepare('DELETE FROM customer_groups WHERE id = ?').run(id);
  recordAudit(deps, { staffId, action: 'customerGroup.delete', target: id, details: { name: before.name }, success: true });
  return { id };
}

export function setCustomerGroup(
  deps: D,
  input: { customerId: string; groupId: string | null },
  staffId: string,
): { customerId: string; groupId: string | null } {
  if (!deps.sqlite.prepare('SELECT 1 FROM customers WHERE id = ?').get(input.customerId))
    throw notFound('Customer', { customerId: input.customerId });
  if (input.groupId !== null && !groupExists(deps, input.groupId))
    throw new AppError('VALIDATION', 'There is no such customer group', { field: 'groupId', messageKey: 'priceLists.err.unknownGroup' });
  const before = deps.sqlite.prepare('SELECT group_id FROM customer_memberships WHERE customer_id = ?').pluck().get(input.customerId) as
    SqlRow<typeof customerMemberships>['group_id'] | undefined;
  if ((before ?? null) === input.groupId) return input;
  deps.sqlite
    .prepare(
      `INSERT INTO customer_memberships (customer_id, group_id, updated_at, hlc) VALUES (?, ?, ?, ?)
       ON CONFLICT (customer_id) DO UPDATE SET group_id = excluded.group_id, updated_at = excluded.updated_at`,
    )
    .run(input.customerId, input.groupId, deps.clock(), UNSTAMPED);
  recordAudit(deps, {
    staffId,
    action: 'customer.group',
    target: input.customerId,
    details: { from: before ?? null, to: input.groupId },
    success: true,
  });
  return input;
}
