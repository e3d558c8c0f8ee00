/**
 * The registry's record shapes are exact: each lists precisely the columns that travel for its
 * table (the drizzle schema), so a new column cannot travel unchecked, and a record a till writes
 * passes them.
 */
import { describe, expect, it } from 'vitest';
import { allSyncEntities, type SharedEntity } from '../../../src/shared/sync/entities';
import { mutableFields, tableInfo } from '../../../src/main/sync/tables';

const shared = allSyncEntities().filter((e): e is SharedEntity => e.kind !== 'local');

describe('the entity registry declares every field that travels', () => {
  it.each(shared.map((e) => [e.entity, e] as const))('%s', (_name, spec) => {
    const declared = Object.keys(spec.fields.shape).sort();
    const travels = spec.kind === 'mutable' ? mutableFields(spec) : [...tableInfo(spec.table).columns.keys()];
    expect(declared).toEqual([...travels].sort());
    for (const child of spec.children ?? [])
      expect(Object.keys(child.fields.shape).sort()).toEqual([...tableInfo(child.table).columns.keys()].sort());
  });

  it('staff, stock reservations, online orders, shop refunds and receipt claims are never written by a device; everything else that travels is', () => {
    expect(shared.filter((e) => e.devices === 'none').map((e) => e.entity)).toEqual([
      'staff',
      'stock_reservation',
      'online_order',
      'online_refund',
      'receipt_claim',
    ]);
  });
});
