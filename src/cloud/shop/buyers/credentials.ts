/**
 * What a buyer types to be known: an email or a mobile number, and a password. Passwords are
 * hashed with scrypt (memory-hard; the same format and code as staff PINs, with the buyers' own
 * cost from CloudDeps).
 */
import { z } from 'zod';
import { hashPin, verifyPin, type PinParams } from '../../../main/staff/pin';
import { isSafeLine } from '../../../shared/text';

export const PASSWORD_MIN = 8;
/** scrypt takes any length, but nobody types more and a bound keeps forms small. */
export const PASSWORD_MAX = 200;

/** The passwords tried first by every guesser (the top of the public breach lists). */
const COMMON = new Set([
  '123456',
  '123456789',
  '12345678',
  'password',
  'qwerty123',
  'qwerty1',
  '111111',
  '12345',
  'secret',
  '123123',
  '1234567890',
  '1234567',
  '000000',
  'qwerty',
  'abc123',
  'password1',
  'iloveyou',
  '11111111',
  '88888888',
  '1q2w3e4r',
]);

export type PasswordProblem = 'short' | 'long' | 'common' | 'sameAsLogin';

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, login: string | null = null): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN) return 'short';
  if (password.length > PASSWORD_MAX) return 'long';
  if (COMMON.has(password.toLowerCase())) return 'common';
  if (login && password.trim().toLowerCase() === login.toLowerCase()) return 'sameAsLogin';
  return null;
}

export function hashPassword(password: string, params: PinParams): Promise<string> {
  return hashPin(password, params);
}

/** Compares in constant time (timingSafeEqual on the derived keys). */
export function verifyPassword(password: string, stored: string, params: PinParams): Promise<boolean> {
  return verifyPin(password, stored, params);
}

/**
 * A stored hash with the configured cost that matches no password: checked when the account does
 * not exist, so an unknown account takes as long to refuse as a wrong password.
 */
export function decoyHash(params: PinParams): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;
}

const emailSchema = z.email().max(254);

export type Login = { kind: 'email'; value: string } | { kind: 'phone'; value: string };

/**
 * An email (trimmed, lower-cased) or a mobile number (digits only: spaces, dashes, brackets and a
 * leading + dropped, 6 to 15 digits as E.164 allows); null when it is neither.
 */
export function parseLogin(raw: string): Login | null {
  const s = raw.trim();
  if (s === '' || s.length > 254 || !isSafeLine(s)) return null;
  if (s.includes('@')) {
    const email = s.toLowerCase();
    return emailSchema.safeParse(email).success ? { kind: 'email', value: email } : null;
  }
  if (!/^\+?[\d\s().-]+$/.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  return digits.length >= 6 && digits.length <= 15 ? { kind: 'phone', value: digits } : null;
}

/** A buyer's display name: one safe line of 1 to 80 characters. */
export function parseName(raw: string): string | null {
  const s = raw.trim();
  return s !== '' && [...s].length <= 80 && isSafeLine(s) ? s : null;
}
