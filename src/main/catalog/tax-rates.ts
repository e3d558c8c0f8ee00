import type { TaxRateInfo } from '../../shared/api/types';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { recordAudit } from '../audit/audit';
import { UNSTAMPED } from '../db/write-path';
import type { CamelCols, Cols } from '../db/rows';
import type { taxRates } from '../db/schema';

type Row = CamelCols<typeof taxRates, 'id' | 'name' | 'rateBp' | 'isDefault' | 'archived'> & { products: number };
type IdRow = Cols<typeof taxRates, 'id'>;

const SELECT = `SELECT t.id, t.name, t.rate_bp AS rateBp, t.is_default AS isDefault, t.archived,
                       (SELECT COUNT(*) FROM products p WHERE p.tax_rate_id = t.id AND p.archived = 0) AS products
                FROM tax_rates t`;

const info = (r: Row): TaxRateInfo => ({
  id: r.id,
  name: r.name,
  rateBp: r.rateBp,
  isDefault: r.isDefault === 1,
  archived: r.archived === 1,
  products: r.products,
});

/** Every tax rate, archived ones last, with how many items use each. */
export function listTaxRates(deps: Pick<Deps, 'sqlite'>): TaxRateInfo[] {
  return (deps.sqlite.prepare(`${SELECT} ORDER BY t.archived, t.rate_bp, t.name`).all() as Row[]).map(info);
}

function checkName(deps: Pick<Deps, 'sqlite'>, name: string, selfId: string | null): void {
  const other = deps.sqlite.prepare('SELECT id FROM tax_rates WHERE name = ? COLLATE NOCASE AND archived = 0').get(name) as
    IdRow | undefined;
  if (other && other.id !== selfId)
    throw new AppError('CONFLICT', `A tax rate named ${name} already exists`, {
      field: 'name',
      value: name,
      messageKey: 'taxes.err.nameTaken',
    });
}

/** The one default: new items get it. Setting one clears the others. */
function makeDefault(deps: Deps, id: string): void {
  const others = deps.sqlite.prepare('SELECT id FROM tax_rates WHERE is_default = 1 AND id <> ?').all(id) as IdRow[];
  for (const o of others) {
    deps.sqlite.prepare('UPDATE tax_rates SET is_default = 0 WHERE id = ?').run(o.id);
  }
}

export function createTaxRate(deps: Deps, input: { name: string; rateBp: number; isDefault?: boolean }, staffId: string): TaxRateInfo[] {
  checkName(deps, input.name, null);
  const id = deps.ids();
  const isDefault = input.isDefault === true;
  if (isDefault) makeDefault(deps, id);
  deps.sqlite
    .prepare('INSERT INTO tax_rates (id, name, rate_bp, is_default, archived, hlc) VALUES (?, ?, ?, ?, 0, ?)')
    .run(id, input.name, input.rateBp, isDefault ? 1 : 0, UNSTAMPED);
  recordAudit(deps, {
    staffId,
    action: 'taxRate.create',
    target: id,
    details: { name: input.name, rateBp: input.rateBp, isDefault },
    success: true,
  });
  return listTaxRates(deps);
}

/**
 * Rename, change the rate, make default, archive or restore. A new rate applies to sales from now
 * on: a completed order keeps the rate it was sold at (order lines store it).
 */
export function updateTaxRate(
  deps: Deps,
  input: { id: string; name?: string; rateBp?: number; isDefault?: true; archived?: boolean },
  staffId: string,
): TaxRateInfo[] {
  const before = deps.sqlite.prepare(`${SELECT} WHERE t.id = ?`).get(input.id) as Row | undefined;
  if (!before) throw notFound('Tax rate', { field: 'id' });
  const name = input.name ?? before.name;
  const rateBp = input.rateBp ?? before.rateBp;
  const archived = input.archived ?? before.archived === 1;
  const isDefault = input.isDefault === true || (before.isDefault === 1 && !archived);
  if (input.name !== undefined || (input.archived === false && before.archived === 1)) checkName(deps, name, before.id);
  if (archived && before.archived === 0) {
    if (before.isDefault === 1 || input.isDefault)
      throw new AppError('CONFLICT', 'The default tax rate cannot be archived', {
        messageKey: 'taxes.err.archiveDefault',
        value: before.name,
      });
    if (before.products > 0)
      throw new AppError('CONFLICT', `${before.products} items use this tax rate`, {
        messageKey: 'taxes.err.inUse',
        value: before.name,
        count: before.products,
      });
  }
  if (archived && input.isDefault)
    throw new AppError('CONFLICT', 'An archived tax rate cannot be the default', {
      messageKey: 'taxes.err.archiveDefault',
      value: before.name,
    });
  if (isDefault && before.isDefault === 0) makeDefault(deps, before.id);
  deps.sqlite
    .prepare('UPDATE tax_rates SET name = ?, rate_bp = ?, is_default = ?, archived = ? WHERE id = ?')
    .run(name, rateBp, isDefault ? 1 : 0, archived ? 1 : 0, before.id);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (name !== before.name) changes.name = { from: before.name, to: name };
  if (rateBp !== before.rateBp) changes.rateBp = { from: before.rateBp, to: rateBp };
  if (isDefault !== (before.isDefault === 1)) changes.isDefault = { from: before.isDefault === 1, to: isDefault };
  if (archived !== (before.archived === 1)) {
    recordAudit(deps, { staffId, action: 'taxRate.archive', target: before.id, details: { archived }, success: true });
  }
  if (Object.keys(changes).length > 0)
    recordAudit(deps, { staffId, action: 'taxRate.update', target: before.id, details: changes, success: true });
  return listTaxRates(deps);
}
