import { describe, expect, it } from 'vitest';
import { SETTING_VALUES } from '../../../src/shared/sync/shapes';
import {
  DEFAULT_ONLINE_SHIPPING,
  parcelGrams,
  readOnlineShipping,
  shippingCharge,
  shippingMethodSchema,
  type ShippingMethod,
} from '../../../src/shared/online-shipping';

const method = (over: Partial<ShippingMethod>): ShippingMethod =>
  shippingMethodSchema.parse({ id: 'm', name: 'M', kind: 'flat', amount: 800, ...over });

describe('online shipping', () => {
  it('a flat rate, free from an amount of goods on', () => {
    const flat = method({ kind: 'flat', amount: 800, freeAbove: 9900 });
    expect(shippingCharge(flat, 9899, [], 'CN')).toBe(800);
    expect(shippingCharge(flat, 9900, [], 'CN')).toBe(0);
  });

  it('by weight: the first kilogram, then each started one; weighed goods by their mass, counted ones by the item weight', () => {
    const byWeight = method({ kind: 'weight', amount: 1000, perKg: 300, itemGrams: 400 });
    // 2 pieces × 400 g = 0.8 kg: the first kilogram.
    expect(shippingCharge(byWeight, 0, [{ unit: 'each', qty: 2000 }], null)).toBe(1000);
    // + 1.5 kg of apples = 2.3 kg: three started kilograms.
    expect(
      parcelGrams(
        [
          { unit: 'each', qty: 2000 },
          { unit: 'kg', qty: 1500 },
        ],
        400,
      ),
    ).toBe(2300);
    expect(
      shippingCharge(
        byWeight,
        0,
        [
          { unit: 'each', qty: 2000 },
          { unit: 'kg', qty: 1500 },
        ],
        null,
      ),
    ).toBe(1600);
    // 2 斤 = 1 kg exactly.
    expect(shippingCharge(byWeight, 0, [{ unit: 'jin', qty: 2000 }], null)).toBe(1000);
  });

  it('serves only its countries; pick-up is always free', () => {
    const domestic = method({ countries: ['CN'] });
    expect(shippingCharge(domestic, 0, [], 'US')).toBeNull();
    expect(shippingCharge(domestic, 0, [], 'CN')).toBe(800);
    expect(shippingCharge(method({ kind: 'pickup', amount: 500 }), 0, [], 'US')).toBe(0);
  });

  it('a store that set nothing, or something unreadable, has the default methods', () => {
    expect(readOnlineShipping(undefined)).toEqual(DEFAULT_ONLINE_SHIPPING);
    expect(readOnlineShipping({ methods: [] })).toEqual(DEFAULT_ONLINE_SHIPPING);
    expect(readOnlineShipping({ methods: [{ id: 'BAD ID', name: 'x', kind: 'flat', amount: 1 }] })).toEqual(DEFAULT_ONLINE_SHIPPING);
    const own = { methods: [{ id: 'sf', name: 'SF Express', kind: 'weight', amount: 1200, perKg: 500 }] };
    expect(readOnlineShipping(own).methods[0]).toMatchObject({ id: 'sf', kind: 'weight', perKg: 500, freeAbove: null });
  });

  it('the setting travels checked: a till refuses a malformed one', () => {
    const shape = SETTING_VALUES.onlineShipping!;
    expect(shape.safeParse(DEFAULT_ONLINE_SHIPPING).success).toBe(true);
    expect(shape.safeParse({ methods: [{ id: 'a', name: 'A', kind: 'teleport', amount: 1 }] }).success).toBe(false);
    expect(shape.safeParse({ methods: [method({ id: 'a' }), method({ id: 'a' })] }).success).toBe(false);
    expect(shape.safeParse({ methods: [{ id: 'a', name: 'A', kind: 'flat', amount: -1 }] }).success).toBe(false);
  });
});
