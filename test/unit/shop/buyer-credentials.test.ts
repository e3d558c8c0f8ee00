import { describe, expect, it } from 'vitest';
import {
  decoyHash,
  hashPassword,
  parseLogin,
  parseName,
  passwordProblem,
  verifyPassword,
} from '../../../src/cloud/shop/buyers/credentials';
import { checkAddress, addressForm } from '../../../src/cloud/shop/buyers/addresses';
import { safeNext } from '../../../src/cloud/shop/buyers/session';
import type { ShopContext } from '../../../src/cloud/shop/web/env';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('what a buyer signs in with', () => {
  it('normalises emails and mobile numbers, and refuses anything else', () => {
    expect(parseLogin('  Ann@Example.COM ')).toEqual({ kind: 'email', value: 'ann@example.com' });
    expect(parseLogin('+86 138-0013-8000')).toEqual({ kind: 'phone', value: '8613800138000' });
    expect(parseLogin('(415) 555-0100')).toEqual({ kind: 'phone', value: '4155550100' });
    for (const bad of ['', 'ann', 'ann@', '12345', '1'.repeat(16), '138\u200b0013', 'a@b\u202e.com', 'x'.repeat(250) + '@e.com'])
      expect(parseLogin(bad)).toBeNull();
  });

  it('takes a name of one safe line', () => {
    expect(parseName('  李雷 ')).toBe('李雷');
    expect(parseName('')).toBeNull();
    expect(parseName('a\nb')).toBeNull();
    expect(parseName('x'.repeat(81))).toBeNull();
  });

  it('refuses short, common and login-equal passwords', () => {
    expect(passwordProblem('1234567')).toBe('short');
    expect(passwordProblem('Password')).toBe('common');
    expect(passwordProblem('88888888')).toBe('common');
    expect(passwordProblem('ann@example.com', 'ann@example.com')).toBe('sameAsLogin');
    expect(passwordProblem('x'.repeat(201))).toBe('long');
    expect(passwordProblem('密码足够长的句子')).toBe(null);
  });

  it('hashes with scrypt and a salt, verifies, and the decoy matches nothing', async () => {
    const a = await hashPassword('correct horse', CHEAP);
    const b = await hashPassword('correct horse', CHEAP);
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', a, CHEAP)).toBe(true);
    expect(await verifyPassword('correct horsE', a, CHEAP)).toBe(false);
    expect(await verifyPassword('', decoyHash(CHEAP), CHEAP)).toBe(false);
    // A hash made at another cost is refused without computing it.
    expect(await verifyPassword('correct horse', a, { N: 2 ** 11, r: 8, p: 1 })).toBe(false);
  });
});

describe('where to go after signing in', () => {
  const c = { get: () => ({ base: '/shop/s1' }) } as unknown as ShopContext;
  it('keeps only paths of this shop', () => {
    expect(safeNext(c, '/shop/s1')).toBe('/shop/s1');
    expect(safeNext(c, '/shop/s1/cart?a=1&b=2')).toBe('/shop/s1/cart?a=1&b=2');
    for (const bad of [
      null,
      '',
      'https://evil.example/shop/s1',
      '//evil.example/shop/s1',
      '/\\evil.example',
      '/shop/s2/cart',
      '/shop/s1/../s2',
      '/shop/s1/%2e%2e/s2',
      '/shop/s10',
      'shop/s1',
      '/shop/s1\n/x',
      ' /shop/s1',
    ])
      expect(safeNext(c, bad)).toBeNull();
  });
});

describe('address checks', () => {
  it('reports each field’s first problem per country, and hidden characters', () => {
    expect(checkAddress(addressForm({ country: 'US', name: 'A', line1: 'L', city: 'C', region: 'CA', postalCode: '94105' }))).toEqual({});
    expect(checkAddress(addressForm({ country: 'US', name: 'A', line1: 'L', city: 'C', postalCode: '9410' }))).toEqual({
      region: 'required',
      postalCode: 'postalCode',
    });
    expect(checkAddress(addressForm({ country: 'CN', name: '', line1: 'L', city: 'C', region: '北京', postalCode: '100000' }))).toEqual({
      name: 'required',
    });
    expect(checkAddress(addressForm({ country: 'GB', name: 'A\u0000', line1: 'L', city: 'C', postalCode: 'SW1A 1AA' })).name).toBe(
      'unsafe',
    );
    expect(checkAddress(addressForm({ country: 'XX', name: 'A', line1: 'L', city: 'C', postalCode: '1' })).country).toBe('country');
  });
});
