/**
 * The buyer's address book: addresses checked per country (src/shared/address.ts), stored
 * normalised, one of them the default. Every query is scoped to the buyer who asks.
 */
import { and, count, desc, eq } from 'drizzle-orm';
import { normalizeAddress, validateAddress, type Address, type AddressIssueCode } from '../../../shared/address';
import { isSafeLine } from '../../../shared/text';
import type { CloudDeps } from '../../deps';
import { shopAddresses, shopBuyers } from './schema';

export const MAX_ADDRESSES = 20;
export const ADDRESS_FIELDS = ['name', 'company', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

export interface SavedAddress extends Address {
  id: string;
  isDefault: boolean;
}

export type AddressProblems = Partial<Record<AddressField, AddressIssueCode | 'unsafe'>>;

/** The form's fields as typed (strings, never undefined) so a refused form shows them again. */
export type AddressForm = Record<AddressField, string>;

export function addressForm(body: Record<string, unknown>): AddressForm {
  const out = {} as AddressForm;
  for (const f of ADDRESS_FIELDS) {
    const v = body[f];
    out[f] = typeof v === 'string' ? v.slice(0, 500) : '';
  }
  return out;
}

/** Every field's first problem (none: the address may be saved), per the country's rules. */
export function checkAddress(form: AddressForm): AddressProblems {
  const problems: AddressProblems = {};
  for (const f of ADDRESS_FIELDS) if (!isSafeLine(form[f])) problems[f] = 'unsafe';
  for (const issue of validateAddress(form, [])) {
    const f = issue.path[0] as AddressField;
    problems[f] ??= issue.code;
  }
  return problems;
}

const columns = {
  id: shopAddresses.id,
  name: shopAddresses.name,
  company: shopAddresses.company,
  line1: shopAddresses.line1,
  line2: shopAddresses.line2,
  city: shopAddresses.city,
  region: shopAddresses.region,
  postalCode: shopAddresses.postalCode,
  country: shopAddresses.country,
  phone: shopAddresses.phone,
  isDefault: shopAddresses.isDefault,
};

/** The buyer's addresses, the default first, then the newest. */
export async function listAddresses(deps: CloudDeps, buyerId: string): Promise<SavedAddress[]> {
  return deps.db
    .select(columns)
    .from(shopAddresses)
    .where(eq(shopAddresses.buyerId, buyerId))
    .orderBy(desc(shopAddresses.isDefault), desc(shopAddresses.createdAt), desc(shopAddresses.id));
}

export async function getAddress(deps: CloudDeps, buyerId: string, id: string): Promise<SavedAddress | null> {
  const [row] = await deps.db
    .select(columns)
    .from(shopAddresses)
    .where(and(eq(shopAddresses.buyerId, buyerId), eq(shopAddresses.id, id)))
    .limit(1);
  return row ?? null;
}

/** The buyer's default address (checkout fills its form with it), or null. */
export async function defaultAddress(deps: CloudDeps, buyerId: string): Promise<SavedAddress | null> {
  const [row] = await listAddresses(deps, buyerId);
  return row?.isDefault ? row : null;
}

type Tx = Parameters<Parameters<CloudDeps['db']['transaction']>[0]>[0];

/** Address-book writes of one buyer run one at a time (the buyer's row is locked), so one default stays one. */
async function lockBuyer(tx: Tx, buyerId: string): Promise<void> {
  await tx.select({ id: shopBuyers.id }).from(shopBuyers).where(eq(shopBuyers.id, buyerId)).for('update');
}

function stored(form: AddressForm) {
  const a = normalizeAddress(form);
  return {
    name: a.name,
    company: a.company ?? null,
    line1: a.line1,
    line2: a.line2 ?? null,
    city: a.city,
    region: a.region ?? null,
    postalCode: a.postalCode,
    country: a.country,
    phone: a.phone ?? null,
  };
}

/**
 * Adds (no `id`) or changes an address already checked by `checkAddress`. 'full' when the book
 * has no room, 'missing' when `id` is not one of the buyer's.
 */
export async function saveAddress(
  deps: CloudDeps,
  buyerId: string,
  form: AddressForm,
  opts: { id?: string; makeDefault: boolean },
): Promise<{ id: string } | 'full' | 'missing'> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    await lockBuyer(tx, buyerId);
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(shopAddresses).where(eq(shopAddresses.buyerId, buyerId));
    const mine = and(eq(shopAddresses.buyerId, buyerId), eq(shopAddresses.id, opts.id ?? ''));
    if (opts.id) {
      const [had] = await tx.select({ id: shopAddresses.id }).from(shopAddresses).where(mine);
      if (!had) return 'missing';
    } else if (Number(n) >= MAX_ADDRESSES) return 'full';
    const makeDefault = opts.makeDefault || Number(n) === 0;
    if (makeDefault)
      await tx
        .update(shopAddresses)
        .set({ isDefault: false })
        .where(and(eq(shopAddresses.buyerId, buyerId), eq(shopAddresses.isDefault, true)));
    if (opts.id) {
      await tx
        .update(shopAddresses)
        .set({ ...stored(form), ...(makeDefault ? { isDefault: true } : {}), updatedAt: now })
        .where(mine);
      return { id: opts.id };
    }
    const id = deps.ids();
    await tx.insert(shopAddresses).values({ id, buyerId, ...stored(form), isDefault: makeDefault, createdAt: now, updatedAt: now });
    return { id };
  });
}

export async function makeDefaultAddress(deps: CloudDeps, buyerId: string, id: string): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    await lockBuyer(tx, buyerId);
    const [had] = await tx
      .select({ id: shopAddresses.id })
      .from(shopAddresses)
      .where(and(eq(shopAddresses.buyerId, buyerId), eq(shopAddresses.id, id)));
    if (!had) return false;
    await tx
      .update(shopAddresses)
      .set({ isDefault: false })
      .where(and(eq(shopAddresses.buyerId, buyerId), eq(shopAddresses.isDefault, true)));
    await tx
      .update(shopAddresses)
      .set({ isDefault: true, updatedAt: deps.clock() })
      .where(and(eq(shopAddresses.buyerId, buyerId), eq(shopAddresses.id, id)));
    return true;
  });
}

/** Deletes one of the buyer's addresses; when it was the default, the newest left becomes it. */
export async function deleteAddress(deps: CloudDeps, buyerId: string, id: string): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    await lockBuyer(tx, buyerId);
    const [gone] = await tx
      .delete(shopAddresses)
      .where(and(eq(shopAddresses.buyerId, buyerId), eq(shopAddresses.id, id)))
      .returning({ isDefault: shopAddresses.isDefault });
    if (!gone) return false;
    if (gone.isDefault) {
      const [next] = await tx
        .select({ id: shopAddresses.id })
        .from(shopAddresses)
        .where(eq(shopAddresses.buyerId, buyerId))
        .orderBy(desc(shopAddresses.createdAt), desc(shopAddresses.id))
        .limit(1);
      if (next) await tx.update(shopAddresses).set({ isDefault: true }).where(eq(shopAddresses.id, next.id));
    }
    return true;
  });
}
