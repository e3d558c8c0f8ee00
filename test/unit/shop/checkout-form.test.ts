import { describe, expect, it } from 'vitest';
import { checkCheckoutForm, readCheckoutForm } from '../../../src/cloud/shop/checkout/form';
import { DEFAULT_ONLINE_SHIPPING, shippingMethodSchema } from '../../../src/shared/online-shipping';

const methods = [
  ...DEFAULT_ONLINE_SHIPPING.methods,
  shippingMethodSchema.parse({ id: 'cn-only', name: 'Domestic', kind: 'flat', amount: 500, countries: ['CN'] }),
];
const good = {
  idem: 'abcdefghijklmnopqrstuvwx',
  name: 'Li Lei',
  email: 'li@example.com',
  phone: '',
  method: 'standard',
  a_name: 'Li Lei',
  a_line1: '1 Nanjing Rd',
  a_city: 'Shanghai',
  a_region: 'SH',
  a_postalCode: '200001',
  a_country: 'cn',
};
const check = (over: Record<string, unknown>) => checkCheckoutForm(readCheckoutForm({ ...good, ...over }), methods);

describe('the checkout form', () => {
  it('takes a good one, with the address normalised', () => {
    const r = check({});
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.address).toMatchObject({ country: 'CN', postalCode: '200001', name: 'Li Lei' });
  });

  it('needs a way to reach the buyer', () => {
    expect(check({ email: '', phone: '' })).toMatchObject({ ok: false, errors: { email: 'contactNeeded' } });
    expect(check({ email: '', phone: '138 0000 0000' }).ok).toBe(true);
    expect(check({ email: 'nope' })).toMatchObject({ ok: false, errors: { email: 'badEmail' } });
    expect(check({ phone: '555-CALL-NOW' })).toMatchObject({ ok: false, errors: { phone: 'badPhone' } });
  });

  it('checks the address per country, and only when delivering', () => {
    expect(check({ a_postalCode: '2000' })).toMatchObject({ ok: false, errors: { a_postalCode: 'badPostal' } });
    expect(check({ a_region: '' })).toMatchObject({ ok: false, errors: { a_region: 'required' } });
    expect(check({ a_country: 'ZZ' })).toMatchObject({ ok: false, errors: { a_country: 'badCountry' } });
    expect(check({ a_country: 'US', a_region: 'CA', a_postalCode: '94105' }).ok).toBe(true);
    const pickup = check({ method: 'pickup', a_line1: '', a_city: '', a_postalCode: '' });
    expect(pickup.ok).toBe(true);
    if (pickup.ok) expect(pickup.value.address).toBeNull();
  });

  it('refuses a method that does not serve the country, or none at all', () => {
    expect(check({ method: 'cn-only', a_country: 'US', a_region: 'CA', a_postalCode: '94105' })).toMatchObject({
      ok: false,
      errors: { method: 'noShipTo' },
    });
    expect(check({ method: 'zeppelin' })).toMatchObject({ ok: false, errors: { method: 'badMethod' } });
  });

  it('refuses control and direction characters, overlong text and a missing form key', () => {
    expect(check({ name: 'Eve\u202Egnp.exe' })).toMatchObject({ ok: false, errors: { name: 'badText' } });
    expect(check({ a_line1: 'x\u0000y' })).toMatchObject({ ok: false, errors: { a_line1: 'badText' } });
    expect(check({ name: 'n'.repeat(121) })).toMatchObject({ ok: false, errors: { name: 'tooLong' } });
    expect(check({ note: 'n'.repeat(501) })).toMatchObject({ ok: false, errors: { note: 'tooLong' } });
    expect(check({ idem: 'short' })).toMatchObject({ ok: false, errors: { _form: 'fixErrors' } });
    // Anything but text in a field is read as empty.
    expect(check({ name: ['a', 'b'] })).toMatchObject({ ok: false, errors: { name: 'required' } });
  });
});
