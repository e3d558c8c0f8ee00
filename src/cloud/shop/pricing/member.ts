/**
 * Who a signed-in buyer is at the counter, for the prices the counter gives them (会员价, a group's
 * list, members-only promotions). A buyer is that till customer when the buyer's email is
 * verified and the customer's record carries the same address: the mailed link proved the buyer
 * reads that mailbox, and the store wrote the address on the customer. A mobile number proves
 * nothing here (the shop sends no text messages), so an account with only a mobile number, or an
 * email not yet verified, pays what a guest pays.
 */
import { sql } from 'drizzle-orm';
import { DELETED_FIELD } from '../../../shared/sync/entities';
import { rowsOf, type CloudDb } from '../../db/open';
import { parseMutableBody } from '../../records';
import type { ShopBuyer } from '../web/env';

export interface ShopMember {
  /** The till customer the buyer is. */
  customerId: string;
  /** The customer's group at the till, or null. */
  groupId: string | null;
}

/** The customer a signed-in buyer is at the counter, or null (a guest, an unverified or mobile-only account, no such customer). */
export async function shopMember(db: CloudDb, orgId: string, buyer: ShopBuyer | null): Promise<ShopMember | null> {
  if (!buyer?.verified || !buyer.email || buyer.orgId !== orgId) return null;
  // The expression is the one indexed (records_customer_email_idx): one probe, however many customers.
  const rows = await rowsOf<{ entity_id: string; body: string }>(
    db,
    sql`SELECT entity_id, body FROM records
        WHERE org_id = ${orgId} AND entity = 'customer' AND lower((body::jsonb -> 'd') ->> 'email') = ${buyer.email.toLowerCase()}
        ORDER BY entity_id LIMIT 10`,
  );
  // Several customers with one address (a family's): the first made is the one the shop names.
  const customerId = rows.find((r) => parseMutableBody(r.body).d[DELETED_FIELD] !== true)?.entity_id;
  if (!customerId) return null;
  const [membership] = await rowsOf<{ body: string }>(
    db,
    sql`SELECT body FROM records WHERE org_id = ${orgId} AND entity = 'customer_membership' AND store_id = '' AND entity_id = ${customerId}`,
  );
  const groupId = membership ? parseMutableBody(membership.body).d.group_id : null;
  return { customerId, groupId: typeof groupId === 'string' && groupId !== '' ? groupId : null };
}
