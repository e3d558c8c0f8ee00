import type { TFunction } from 'i18next';
import zhCN from 'zod/v4/locales/zh-CN.js';
import i18next from 'i18next';
import type { ApiError } from '../../shared/errors';
import { formatMoney } from '../../shared/money';
import type { ErrorContext } from '../stores/notify';

export interface FieldIssue {
  path: string;
  message: string;
}

const zhMessages = zhCN();

/**
 * Main words validation issues in English; in Chinese the issue is worded again from its code and
 * parameters (sent with it) by zod's own zh-CN messages. A custom message stays as it is, unless it
 * carries a message key of the app's own.
 */
function localizedIssue(issue: Record<string, unknown>, message: string, lang: string | undefined, t?: TFunction): string {
  // A refinement's own key (unsafe text): worded by the app's messages in either language.
  if (typeof issue.messageKey === 'string') {
    const text = (t ?? i18next.t)(issue.messageKey, { lng: lang });
    if (typeof text === 'string' && text !== issue.messageKey) return text;
  }
  if (!lang?.startsWith('zh') || typeof issue.code !== 'string' || issue.code === 'custom') return message;
  try {
    const worded = zhMessages.localeError(issue as unknown as Parameters<typeof zhMessages.localeError>[0]);
    const text = typeof worded === 'string' ? worded : worded?.message;
    return text || message;
  } catch {
    return message;
  }
}

/** VALIDATION details are zod issues: `{ path: (string|number)[], message, code, …params }[]`. */
export function validationIssues(error: ApiError, lang: string | undefined = i18next.language, t?: TFunction): FieldIssue[] {
  if (error.code !== 'VALIDATION' || !Array.isArray(error.details)) return [];
  const out: FieldIssue[] = [];
  for (const issue of error.details as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const p = Array.isArray(path) ? path.map((x) => String(x)).join('.') : '';
    out.push({ path: p, message: localizedIssue(issue as Record<string, unknown>, typeof message === 'string' ? message : '', lang, t) });
  }
  return out;
}

/** Field errors by dotted path ("admin.pin", "taxRates.0.name"). */
export function fieldErrors(error: ApiError | null, lang: string | undefined = i18next.language): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error) return out;
  for (const i of validationIssues(error, lang)) if (!(i.path in out)) out[i.path] = i.message;
  return out;
}

export function lockedUntil(error: ApiError): number | null {
  const d = error.details;
  if (typeof d === 'object' && d !== null && typeof (d as { lockedUntil?: unknown }).lockedUntil === 'number') {
    return (d as { lockedUntil: number }).lockedUntil;
  }
  return null;
}

function attemptsLeft(error: ApiError): number | null {
  const d = error.details;
  if (typeof d === 'object' && d !== null && typeof (d as { attemptsLeft?: unknown }).attemptsLeft === 'number') {
    return (d as { attemptsLeft: number }).attemptsLeft;
  }
  return null;
}

export function minutesUntil(epochMs: number, now = Date.now()): number {
  // A few seconds of slack so "30 minutes" does not read "31" because of clock skew.
  return Math.max(1, Math.ceil((epochMs - now - 5000) / 60000));
}

/**
 * A message key main sent with the error (`details.messageKey`, e.g. 'sync.err.offline'), with the
 * other details as interpolation values: used when this renderer has a translation for it.
 */
function keyedMessage(t: TFunction, error: ApiError, lang: string | undefined): string | null {
  const d = error.details;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return null;
  const key = (d as { messageKey?: unknown }).messageKey;
  if (typeof key !== 'string') return null;
  const text = t(key, { ...(d as Record<string, unknown>), ...moneyParams(d as Record<string, unknown>, lang) });
  return text === key ? null : text;
}

/**
 * Amounts main sends in minor units (`money`, with `currency`), formatted in the screen's
 * language rather than the store's.
 */
function moneyParams(d: Record<string, unknown>, lang: string | undefined): Record<string, string> {
  const { money, currency } = d;
  if (typeof money !== 'object' || money === null || typeof currency !== 'string') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(money)) if (typeof v === 'number') out[k] = formatMoney(v, currency, lang ?? 'en');
  return out;
}

/** A full disk or a read-only database file, from the SQLite code main reports with an IO error. */
function storageProblem(error: ApiError): 'full' | 'readonly' | null {
  if (error.code !== 'IO') return null;
  const d = error.details;
  const code = typeof d === 'object' && d !== null ? (d as { sqlite?: unknown }).sqlite : undefined;
  if (typeof code !== 'string') return null;
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') return 'full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'readonly';
  return null;
}

/**
 * One localized sentence for an error, with the server's specifics where they help. Main words its
 * specifics in English, so a Chinese screen shows only the localized sentence.
 */
export function describeError(t: TFunction, error: ApiError, context?: ErrorContext, lang: string | undefined = i18next.language): string {
  const keyed = keyedMessage(t, error, lang);
  if (keyed !== null) return keyed;
  if (context?.kind === 'scan' && error.code === 'NOT_FOUND') {
    return t('errors.unknownBarcode', { code: context.code });
  }
  if (context?.kind === 'scan' && error.code === 'VALIDATION') {
    return t('errors.badBarcode', { code: context.code });
  }
  if (context?.kind === 'signIn' && error.code === 'UNAUTHENTICATED') {
    const left = attemptsLeft(error);
    return left !== null ? t('errors.wrongPinLeft', { count: left }) : t('errors.wrongPin');
  }
  if (context?.kind === 'print' && error.code === 'IO') {
    return t('errors.printerIO', { detail: error.message });
  }
  if (context?.kind === 'print' && (error.code === 'CONFLICT' || (error.code === 'VALIDATION' && !Array.isArray(error.details)))) {
    return t('errors.noPrinter');
  }
  const storage = storageProblem(error);
  if (storage) return t(`data.io.${storage}`);
  switch (error.code) {
    case 'LOCKED': {
      const until = lockedUntil(error);
      return until ? t('errors.LOCKED_until', { minutes: minutesUntil(until) }) : t('errors.LOCKED');
    }
    case 'VALIDATION': {
      const issues = validationIssues(error, lang, t);
      if (issues.length === 0) return t('errors.VALIDATION');
      const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      return `${t('errors.VALIDATION')} ${list}`;
    }
    case 'UNAUTHENTICATED':
    case 'SESSION_LOCKED':
    case 'FORBIDDEN':
    case 'SETUP_REQUIRED':
    case 'APPROVAL_REQUIRED':
      return t(`errors.${error.code}`);
    default: {
      const base = t(`errors.${error.code}`);
      const english = lang?.startsWith('zh') && /[A-Za-z]{3,}/.test(error.message);
      return error.message && !english ? `${base} (${error.message})` : base;
    }
  }
}
