/**
 * The account pages. Everything the buyer typed goes back through `html`, which escapes it; a
 * refused form shows what was typed (never the password) with each problem beside its field.
 */
import { COUNTRIES, COUNTRY_CODES } from '../../../shared/address';
import type { ShopBuyer, ShopContext } from '../web/env';
import { csrfField, html, page, type Html } from '../web/page';
import type { AddressField, AddressForm, AddressProblems, SavedAddress } from './addresses';
import { buyerWords, type BuyerWord } from './words';

const words = (c: ShopContext) => (k: BuyerWord, vars?: Record<string, string | number>) => buyerWords(c.get('lang'), k, vars);

const notice = (text: string | null, cls: 'ok' | 'err' = 'ok') => (text ? html`<p class="${cls}" role="status">${text}</p>` : '');

function input(
  label: string,
  name: string,
  value: string,
  o: { type?: string; error?: string | null; autocomplete?: string; required?: boolean; hint?: string } = {},
) {
  const id = `f-${name}`;
  return html`<label for="${id}">${label}</label>
    <input
      id="${id}"
      name="${name}"
      type="${o.type ?? 'text'}"
      value="${value}"
      autocomplete="${o.autocomplete ?? 'off'}"
      ${o.required ? html`required` : ''}
      ${o.error ? html`aria-invalid="true" aria-describedby="${id}-err"` : ''}
    />
    ${o.hint ? html`<small class="muted">${o.hint}</small>` : ''}
    ${o.error ? html`<small class="err" id="${id}-err">${o.error}</small>` : ''}`;
}

const nextField = (next: string | null) => (next ? html`<input type="hidden" name="next" value="${next}" />` : '');

export interface SignUpForm {
  login: string;
  name: string;
  errors: Partial<Record<'login' | 'name' | 'password' | 'form', string>>;
  next: string | null;
}

export function signUpPage(c: ShopContext, f: SignUpForm, status = 200) {
  const w = words(c);
  const base = c.get('store').base;
  return page(
    c,
    w('signUpTitle'),
    html`<h1>${w('signUpTitle')}</h1>
      ${notice(f.errors.form ?? null, 'err')}
      <form class="stack" method="post" action="${base}/account/signup" novalidate>
        ${csrfField(c)} ${nextField(f.next)}
        ${input(w('login'), 'login', f.login, { autocomplete: 'username', required: true, error: f.errors.login })}
        ${input(w('name'), 'name', f.name, { autocomplete: 'name', required: true, error: f.errors.name })}
        ${input(w('password'), 'password', '', {
          type: 'password',
          autocomplete: 'new-password',
          required: true,
          hint: w('passwordHint'),
          error: f.errors.password,
        })}
        <button class="btn" type="submit">${w('signUpButton')}</button>
      </form>
      <p><a href="${base}/account/signin${f.next ? `?next=${encodeURIComponent(f.next)}` : ''}">${w('haveAccount')}</a></p>`,
    { status },
  );
}

export function signInPage(c: ShopContext, f: { login: string; error: string | null; next: string | null }, status = 200) {
  const w = words(c);
  const base = c.get('store').base;
  return page(
    c,
    w('signInTitle'),
    html`<h1>${w('signInTitle')}</h1>
      ${notice(f.error, 'err')}
      <form class="stack" method="post" action="${base}/account/signin" novalidate>
        ${csrfField(c)} ${nextField(f.next)} ${input(w('login'), 'login', f.login, { autocomplete: 'username', required: true })}
        ${input(w('password'), 'password', '', { type: 'password', autocomplete: 'current-password', required: true })}
        <button class="btn" type="submit">${w('signInButton')}</button>
      </form>
      <p><a href="${base}/account/forgot">${w('forgotLink')}</a></p>
      <p><a href="${base}/account/signup${f.next ? `?next=${encodeURIComponent(f.next)}` : ''}">${w('noAccount')}</a></p>`,
    { status },
  );
}

export function accountPage(
  c: ShopContext,
  buyer: ShopBuyer,
  o: { notice: string | null; mailAvailable: boolean; name?: { typed: string; error: string } },
  status = 200,
) {
  const w = words(c);
  const base = c.get('store').base;
  const emailLine = buyer.email
    ? html`<p>
          ${w('email')}: <strong>${buyer.email}</strong>
          ${buyer.verified ? html`<span class="ok">✓ ${w('verified')}</span>` : html`<span class="muted">${w('notVerified')}</span>`}
        </p>
        ${
          buyer.verified
            ? ''
            : o.mailAvailable
              ? html`<form method="post" action="${base}/account/verify/resend">
                  ${csrfField(c)}<button class="btn secondary" type="submit">${w('resend')}</button>
                </form>`
              : html`<p class="muted">${w('mailUnavailable')}</p>`
        }`
    : '';
  return page(
    c,
    w('accountTitle'),
    html`<h1>${w('accountTitle')}</h1>
      ${notice(o.notice)}
      <form class="stack" method="post" action="${base}/account/name" novalidate>
        ${csrfField(c)}
        ${input(w('name'), 'name', o.name?.typed ?? buyer.name, { autocomplete: 'name', required: true, error: o.name?.error })}
        <button class="btn secondary" type="submit">${w('save')}</button>
      </form>
      ${emailLine} ${buyer.phone ? html`<p>${w('phone')}: ${buyer.phone}</p>` : ''}
      <ul>
        <li><a href="${base}/account/orders">${w('ordersLink')}</a></li>
        <li><a href="${base}/account/addresses">${w('addressesLink')}</a></li>
        <li><a href="${base}/account/password">${w('changePassword')}</a></li>
      </ul>
      <form method="post" action="${base}/account/signout">
        ${csrfField(c)}<button class="btn secondary" type="submit">${w('signOut')}</button>
      </form>`,
    { status },
  );
}

/** A page with one message and a way on (verification, links that no longer work, sent mail). */
export function messagePage(c: ShopContext, title: string, message: string, o: { status?: number; error?: boolean } = {}) {
  const w = words(c);
  const base = c.get('store').base;
  return page(
    c,
    title,
    html`<h1>${title}</h1>
      ${notice(message, o.error ? 'err' : 'ok')}
      <p><a href="${base}/account">${w('accountTitle')}</a> · <a href="${base}">${w('continueShopping')}</a></p>`,
    { status: o.status ?? 200 },
  );
}

export function forgotPage(c: ShopContext, f: { email: string; error: string | null }, status = 200) {
  const w = words(c);
  const base = c.get('store').base;
  return page(
    c,
    w('forgotTitle'),
    html`<h1>${w('forgotTitle')}</h1>
      <p>${w('forgotIntro')}</p>
      ${notice(f.error, 'err')}
      <form class="stack" method="post" action="${base}/account/forgot" novalidate>
        ${csrfField(c)} ${input(w('email'), 'email', f.email, { type: 'email', autocomplete: 'email', required: true })}
        <button class="btn" type="submit">${w('forgotButton')}</button>
      </form>`,
    { status },
  );
}

export function resetPage(c: ShopContext, f: { token: string; error: string | null }, status = 200) {
  const w = words(c);
  const base = c.get('store').base;
  return page(
    c,
    w('resetTitle'),
    html`<h1>${w('resetTitle')}</h1>
      <form class="stack" method="post" action="${base}/account/reset" novalidate>
        ${csrfField(c)}
        <input type="hidden" name="token" value="${f.token}" />
        ${input(w('newPassword'), 'password', '', {
          type: 'password',
          autocomplete: 'new-password',
          required: true,
          hint: w('passwordHint'),
          error: f.error,
        })}
        <button class="btn" type="submit">${w('resetButton')}</button>
      </form>`,
    { status },
  );
}

export function passwordPage(c: ShopContext, error: string | null, status = 200) {
  const w = words(c);
  const base = c.get('store').base;
  return page(
    c,
    w('changePassword'),
    html`<h1>${w('changePassword')}</h1>
      ${notice(error, 'err')}
      <form class="stack" method="post" action="${base}/account/password" novalidate>
        ${csrfField(c)}
        ${input(w('currentPassword'), 'current', '', { type: 'password', autocomplete: 'current-password', required: true })}
        ${input(w('newPassword'), 'password', '', { type: 'password', autocomplete: 'new-password', required: true, hint: w('passwordHint') })}
        <button class="btn" type="submit">${w('save')}</button>
      </form>
      <p><a href="${base}/account">${w('back')}</a></p>`,
    { status },
  );
}

/** A country's name in the buyer's language (the runtime's region names), else the rule's English name. */
export function countryName(c: ShopContext, code: string): string {
  try {
    return new Intl.DisplayNames([c.get('lang')], { type: 'region' }).of(code) ?? COUNTRIES[code]?.name ?? code;
  } catch {
    return COUNTRIES[code]?.name ?? code;
  }
}

function addressLines(c: ShopContext, a: SavedAddress): Html {
  return html`<strong>${a.name}</strong>${a.company ? html`, ${a.company}` : ''}<br />
    ${a.line1}${a.line2 ? html`, ${a.line2}` : ''}<br />
    ${a.city}${a.region ? html`, ${a.region}` : ''} ${a.postalCode}<br />
    ${countryName(c, a.country)}${a.phone ? html` · ${a.phone}` : ''}`;
}

export function addressesPage(c: ShopContext, list: SavedAddress[], message: string | null, error: string | null = null, status = 200) {
  const w = words(c);
  const base = c.get('store').base;
  const rows = list.map(
    (a) =>
      html`<tr>
        <td>${addressLines(c, a)}</td>
        <td>
          ${
            a.isDefault
              ? html`<strong class="ok">${w('isDefault')}</strong>`
              : html`<form method="post" action="${base}/account/addresses/${a.id}/default">
                  ${csrfField(c)}<button class="btn secondary" type="submit">${w('makeDefault')}</button>
                </form>`
          }
        </td>
        <td><a href="${base}/account/addresses/${a.id}/edit">${w('edit')}</a></td>
        <td>
          <form method="post" action="${base}/account/addresses/${a.id}/delete">
            ${csrfField(c)}<button class="btn secondary" type="submit">${w('remove')}</button>
          </form>
        </td>
      </tr>`,
  );
  return page(
    c,
    w('addressesTitle'),
    html`<h1>${w('addressesTitle')}</h1>
      ${notice(message)} ${notice(error, 'err')}
      ${
        list.length === 0
          ? html`<p class="muted">${w('noAddresses')}</p>`
          : html`<table>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
      <p><a class="btn" href="${base}/account/addresses/new">${w('addAddress')}</a></p>
      <p><a href="${base}/account">${w('back')}</a></p>`,
    { status },
  );
}

const FIELD_LABEL: Record<AddressField, BuyerWord> = {
  name: 'fName',
  company: 'fCompany',
  line1: 'fLine1',
  line2: 'fLine2',
  city: 'fCity',
  region: 'fRegion',
  postalCode: 'fPostalCode',
  country: 'fCountry',
  phone: 'fPhone',
};

const FIELD_MAX: Record<AddressField, number> = {
  name: 80,
  company: 80,
  line1: 100,
  line2: 100,
  city: 60,
  region: 40,
  postalCode: 12,
  country: 2,
  phone: 24,
};

function problemText(c: ShopContext, field: AddressField, code: AddressProblems[AddressField], country: string): string | null {
  const w = words(c);
  const rule = COUNTRIES[country.trim().toUpperCase()];
  const vars = {
    max: FIELD_MAX[field],
    country: rule ? countryName(c, country.trim().toUpperCase()) : '',
    example: rule?.postalExample ?? '',
  };
  switch (code) {
    case undefined:
      return null;
    case 'required':
      return w('errRequired');
    case 'tooLong':
      return w('errTooLong', vars);
    case 'country':
      return w('errCountry');
    case 'postalCode':
      return w('errPostalCode', vars);
    case 'region':
      return w('errRegion', vars);
    case 'phone':
      return w('errPhone');
    case 'unsafe':
      return w('errUnsafe');
  }
}

export function addressFormPage(
  c: ShopContext,
  f: { id: string | null; form: AddressForm; problems: AddressProblems; makeDefault: boolean; error?: string | null },
  status = 200,
) {
  const w = words(c);
  const base = c.get('store').base;
  const title = f.id ? w('editAddress') : w('addAddress');
  const err = (field: AddressField) => problemText(c, field, f.problems[field], f.form.country);
  const text = (field: AddressField, autocomplete: string, required = false) =>
    input(w(FIELD_LABEL[field]), field, f.form[field], { autocomplete, required, error: err(field) });
  const chosen = f.form.country.trim().toUpperCase() || (c.get('lang') === 'zh-CN' ? 'CN' : '');
  const options = COUNTRY_CODES.map((code) => ({ code, name: countryName(c, code) })).sort((a, b) =>
    a.name.localeCompare(b.name, c.get('lang')),
  );
  const countryErr = err('country');
  return page(
    c,
    title,
    html`<h1>${title}</h1>
      ${Object.keys(f.problems).length > 0 ? notice(w('fixBelow'), 'err') : ''} ${notice(f.error ?? null, 'err')}
      <form class="stack" method="post" action="${base}/account/addresses${f.id ? `/${f.id}` : ''}" novalidate>
        ${csrfField(c)}
        <label for="f-country">${w('fCountry')}</label>
        <select id="f-country" name="country" autocomplete="country" ${countryErr ? html`aria-invalid="true"` : ''}>
          <option value=""></option>
          ${options.map((o) => html`<option value="${o.code}" ${o.code === chosen ? html`selected` : ''}>${o.name}</option>`)}
        </select>
        ${countryErr ? html`<small class="err">${countryErr}</small>` : ''} ${text('name', 'name', true)} ${text('company', 'organization')}
        ${text('line1', 'address-line1', true)} ${text('line2', 'address-line2')} ${text('city', 'address-level2', true)}
        ${text('region', 'address-level1')} ${text('postalCode', 'postal-code')} ${text('phone', 'tel')}
        <label><input type="checkbox" name="makeDefault" value="1" ${f.makeDefault ? html`checked` : ''} /> ${w('useAsDefault')}</label>
        <button class="btn" type="submit">${w('save')}</button>
      </form>
      <p><a href="${base}/account/addresses">${w('back')}</a></p>`,
    { status },
  );
}
