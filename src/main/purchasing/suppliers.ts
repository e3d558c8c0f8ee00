import type { Supplier } from '../../shared/api/inventory-types';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { UNSTAMPED } from '../db/write-path';
import type { Cols } from '../db/rows';
import type { suppliers } from '../db/schema';

type SupplierRow = Cols<typeof suppliers, 'id' | 'name' | 'contact' | 'email' | 'phone' | 'notes' | 'archived'>;
const COLUMNS = 'id, name, contact, email, phone, notes, archived';
const toSupplier = (r: SupplierRow): Supplier => ({ ...r, archived: r.archived === 1 });

export function listSuppliers(deps: Pick<Deps, 'sqlite'>, includeArchived = false): Supplier[] {
  return (
    deps.sqlite
      .prepare(`SELECT ${COLUMNS} FROM suppliers ${includeArchived ? '' : 'WHERE archived = 0'} ORDER BY archived, name`)
      .all() as SupplierRow[]
  ).map(toSupplier);
}

export function getSupplier(deps: Pick<Deps, 'sqlite'>, id: string): Supplier {
  const row = deps.sqlite.prepare(`SELECT ${COLUMNS} FROM suppliers WHERE id = ?`).get(id) as SupplierRow | undefined;
  if (!row) throw notFound('Supplier', { supplierId: id });
  return toSupplier(row);
}

function checkName(deps: Pick<Deps, 'sqlite'>, name: string, selfId: string | null): void {
  const other = deps.sqlite.prepare('SELECT id FROM suppliers WHERE name = ? COLLATE NOCASE').get(name) as
    Cols<typeof suppliers, 'id'> | undefined;
  if (other && other.id !== selfId)
    throw new AppError('CONFLICT', `A supplier named ${name} already exists`, {
      field: 'name',
      value: name,
      messageKey: 'inv.err.supplierTaken',
    });
}

type Fields = { name?: string; contact?: string | null; email?: string | null; phone?: string | null; notes?: string | null };

export function createSupplier(deps: Deps, input: Fields & { name: string }): Supplier {
  checkName(deps, input.name, null);
  const id = deps.ids();
  const now = deps.clock();
  const row = {
    id,
    name: input.name,
    contact: input.contact ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    notes: input.notes ?? null,
  };
  deps.sqlite
    .prepare(
      `INSERT INTO suppliers (id, name, contact, email, phone, notes, archived, created_at, updated_at, hlc)
       VALUES (@id, @name, @contact, @email, @phone, @notes, 0, @now, @now, @hlc)`,
    )
    .run({ ...row, now, hlc: UNSTAMPED });
  return getSupplier(deps, id);
}

export function updateSupplier(deps: Deps, input: Fields & { id: string; archived?: boolean }): Supplier {
  const before = getSupplier(deps, input.id);
  if (input.name !== undefined) checkName(deps, input.name, before.id);
  const after = {
    name: input.name ?? before.name,
    contact: input.contact !== undefined ? input.contact : before.contact,
    email: input.email !== undefined ? input.email : before.email,
    phone: input.phone !== undefined ? input.phone : before.phone,
    notes: input.notes !== undefined ? input.notes : before.notes,
    archived: input.archived ?? before.archived,
  };
  deps.sqlite
    .prepare(
      `UPDATE suppliers SET name = @name, contact = @contact, email = @email, phone = @phone, notes = @notes, archived = @archived,
         updated_at = @now WHERE id = @id`,
    )
    .run({ ...after, archived: after.archived ? 1 : 0, now: deps.clock(), id: before.id });
  return getSupplier(deps, before.id);
}
