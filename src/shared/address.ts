/**
 * Ship-to addresses, checked per country. Pure: the renderer shows the field errors as the clerk
 * types, and main checks again before a label is bought.
 */

export interface Address {
  name: string;
  company?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  /** State, province or prefecture; required where the country's post needs it. */
  region?: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  phone?: string | null;
}

/** Why a field is wrong; the renderer localizes by code. */
export type AddressIssueCode = 'required' | 'tooLong' | 'country' | 'postalCode' | 'region' | 'phone';

export interface AddressIssue {
  /** Path as in zod issues, e.g. ['address', 'postalCode']. */
  path: string[];
  code: AddressIssueCode;
  message: string;
}

interface CountryRule {
  name: string;
  postal: RegExp | null;
  postalExample: string;
  /** Allowed region codes; null = free text; undefined = not needed. */
  regions?: readonly string[] | null;
  regionRequired: boolean;
}

const US_STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'PR',
  'GU',
  'VI',
  'AS',
  'MP',
] as const;
const CA_PROVINCES = ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'] as const;
const AU_STATES = ['ACT', 'NSW', 'NT', 'QLD', 'SA', 'TAS', 'VIC', 'WA'] as const;

export const COUNTRIES: Record<string, CountryRule> = {
  US: { name: 'United States', postal: /^\d{5}(-\d{4})?$/, postalExample: '94105', regions: US_STATES, regionRequired: true },
  CA: { name: 'Canada', postal: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, postalExample: 'K1A 0B1', regions: CA_PROVINCES, regionRequired: true },
  GB: {
    name: 'United Kingdom',
    postal: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i,
    postalExample: 'SW1A 1AA',
    regions: null,
    regionRequired: false,
  },
  IE: { name: 'Ireland', postal: /^[A-Z]\d[\dW] ?[A-Z\d]{4}$/i, postalExample: 'D02 X285', regions: null, regionRequired: false },
  DE: { name: 'Germany', postal: /^\d{5}$/, postalExample: '10115', regions: null, regionRequired: false },
  FR: { name: 'France', postal: /^\d{5}$/, postalExample: '75001', regions: null, regionRequired: false },
  NL: { name: 'Netherlands', postal: /^\d{4} ?[A-Z]{2}$/i, postalExample: '1012 AB', regions: null, regionRequired: false },
  AU: { name: 'Australia', postal: /^\d{4}$/, postalExample: '2000', regions: AU_STATES, regionRequired: true },
  CN: { name: 'China', postal: /^\d{6}$/, postalExample: '100000', regions: null, regionRequired: true },
  HK: { name: 'Hong Kong', postal: null, postalExample: '', regions: null, regionRequired: false },
  JP: { name: 'Japan', postal: /^\d{3}-?\d{4}$/, postalExample: '100-0001', regions: null, regionRequired: true },
  SG: { name: 'Singapore', postal: /^\d{6}$/, postalExample: '018956', regions: null, regionRequired: false },
};

export const COUNTRY_CODES = Object.keys(COUNTRIES);

const LIMITS: Partial<Record<keyof Address, number>> = {
  name: 80,
  company: 80,
  line1: 100,
  line2: 100,
  city: 60,
  region: 40,
  postalCode: 12,
  phone: 24,
};

const blank = (v: string | null | undefined) => v === undefined || v === null || v.trim() === '';

/** Every problem at once, each tied to its field, so the form can mark them all. */
export function validateAddress(a: Address, prefix: string[] = ['address']): AddressIssue[] {
  const out: AddressIssue[] = [];
  const add = (field: keyof Address, code: AddressIssueCode, message: string) => out.push({ path: [...prefix, field], code, message });
  for (const f of ['name', 'line1', 'city'] as const) if (blank(a[f])) add(f, 'required', 'Required');
  for (const [f, max] of Object.entries(LIMITS) as [keyof Address, number][]) {
    const v = a[f];
    if (typeof v === 'string' && v.trim().length > max) add(f, 'tooLong', `At most ${max} characters`);
  }
  const country = (a.country ?? '').trim().toUpperCase();
  const rule = COUNTRIES[country];
  if (!rule) {
    add('country', 'country', 'Choose a country we ship to');
    return out;
  }
  const postal = (a.postalCode ?? '').trim();
  if (rule.postal) {
    if (postal === '') add('postalCode', 'required', 'Required');
    else if (!rule.postal.test(postal))
      add('postalCode', 'postalCode', `Not a valid postal code for ${rule.name} (e.g. ${rule.postalExample})`);
  }
  const region = (a.region ?? '').trim();
  if (rule.regionRequired && region === '') add('region', 'required', 'Required');
  else if (region !== '' && rule.regions && !rule.regions.includes(region.toUpperCase()))
    add('region', 'region', `Not a ${rule.name} state or province code`);
  if (!blank(a.phone) && !/^\+?[\d ()-]{5,24}$/.test(a.phone!.trim())) add('phone', 'phone', 'Digits, spaces, + ( ) - only');
  return out;
}

/** Trimmed, upper-cased codes: the stored form. */
export function normalizeAddress(a: Address): Address {
  const t = (v: string | null | undefined) => (blank(v) ? null : v!.trim());
  const country = a.country.trim().toUpperCase();
  let postalCode = a.postalCode.trim().toUpperCase();
  if (country === 'CA' && /^[A-Z]\d[A-Z]\d[A-Z]\d$/.test(postalCode)) postalCode = `${postalCode.slice(0, 3)} ${postalCode.slice(3)}`;
  const region = t(a.region);
  return {
    name: a.name.trim(),
    company: t(a.company),
    line1: a.line1.trim(),
    line2: t(a.line2),
    city: a.city.trim(),
    region: region && COUNTRIES[country]?.regions ? region.toUpperCase() : region,
    postalCode,
    country,
    phone: t(a.phone),
  };
}
