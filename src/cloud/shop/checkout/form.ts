/**
 * The checkout form as the buyer sent it, checked field by field (each problem tied to its field,
 * in the buyer's words) before anything is written.
 */
import { normalizeAddress, validateAddress, type Address } from '../../../shared/address';
import { isSafeLine, isSafeText } from '../../../shared/text';
import type { ShippingMethod } from '../../../shared/online-shipping';
import type { CheckoutWord } from './words';

export interface CheckoutForm {
  idem: string;
  name: string;
  email: string;
  phone: string;
  method: string;
  /** The payment provider chosen (checked against the store's by the route). */
  provider: string;
  note: string;
  /** The goods' total the page showed (minor units as text); '' from a client that did not show one. */
  seen: string;
  address: Record<'name' | 'company' | 'line1' | 'line2' | 'city' | 'region' | 'postalCode' | 'country', string>;
}

export type FieldErrors = Partial<Record<string, CheckoutWord>>;

const str = (form: Record<string, unknown>, k: string, max = 2000) =>
  (typeof form[k] === 'string' ? (form[k] as string) : '').slice(0, max);

export function readCheckoutForm(form: Record<string, unknown>): CheckoutForm {
  return {
    idem: str(form, 'idem', 100),
    name: str(form, 'name').trim(),
    email: str(form, 'email').trim(),
    phone: str(form, 'phone').trim(),
    method: str(form, 'method', 100),
    provider: str(form, 'provider', 20),
    note: str(form, 'note', 4000).trim(),
    seen: str(form, 'seen', 20),
    address: {
      name: str(form, 'a_name'),
      company: str(form, 'a_company'),
      line1: str(form, 'a_line1'),
      line2: str(form, 'a_line2'),
      city: str(form, 'a_city'),
      region: str(form, 'a_region'),
      postalCode: str(form, 'a_postalCode'),
      country: str(form, 'a_country', 10),
    },
  };
}

export const IDEM_KEY = /^[A-Za-z0-9_-]{16,64}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}$/;
const PHONE = /^\+?[\d ()-]{5,24}$/;

export interface CheckedCheckout {
  contactName: string;
  email: string | null;
  phone: string | null;
  method: ShippingMethod;
  address: Address | null;
  note: string;
}

/** The checked input, or the errors per field (`_form` for the form as a whole). */
export function checkCheckoutForm(
  f: CheckoutForm,
  methods: readonly ShippingMethod[],
): { ok: true; value: CheckedCheckout } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const line = (k: string, v: string, max: number, required: boolean) => {
    if (required && v.trim() === '') errors[k] = 'required';
    else if (v.length > max) errors[k] = 'tooLong';
    else if (!isSafeLine(v)) errors[k] = 'badText';
  };
  if (!IDEM_KEY.test(f.idem)) errors._form = 'fixErrors';
  line('name', f.name, 120, true);
  line('email', f.email, 254, false);
  line('phone', f.phone, 24, false);
  if (!errors.email && f.email && !EMAIL.test(f.email)) errors.email = 'badEmail';
  if (!errors.phone && f.phone && !PHONE.test(f.phone)) errors.phone = 'badPhone';
  if (!f.email && !f.phone && !errors.email && !errors.phone) errors.email = 'contactNeeded';
  if (f.note.length > 500) errors.note = 'tooLong';
  else if (!isSafeText(f.note)) errors.note = 'badText';
  const method = methods.find((m) => m.id === f.method);
  if (!method) errors.method = 'badMethod';
  let address: Address | null = null;
  if (method && method.kind !== 'pickup') {
    const a = f.address;
    for (const k of Object.keys(a) as (keyof typeof a)[]) if (!isSafeLine(a[k])) errors[`a_${k}`] = 'badText';
    const candidate: Address = { ...a, phone: f.phone || null };
    for (const issue of validateAddress(candidate)) {
      const field = issue.path[issue.path.length - 1]!;
      if (field === 'phone') continue;
      const word: CheckoutWord =
        issue.code === 'required'
          ? 'required'
          : issue.code === 'tooLong'
            ? 'tooLong'
            : issue.code === 'postalCode'
              ? 'badPostal'
              : issue.code === 'region'
                ? 'badRegion'
                : 'badCountry';
      errors[`a_${field}`] ??= word;
    }
    if (Object.keys(errors).every((k) => !k.startsWith('a_'))) {
      address = normalizeAddress(candidate);
      if (method.countries && !method.countries.includes(address.country)) errors.method = 'noShipTo';
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors: { _form: 'fixErrors', ...errors } };
  return {
    ok: true,
    value: { contactName: f.name, email: f.email || null, phone: f.phone || null, method: method!, address, note: f.note },
  };
}
