import type { TFunction } from 'i18next';
import type { ApiError } from '../../shared/errors';
import type { ErrorContext } from '../stores/notify';

export interface FieldIssue {
  path: string;
  message: string;
}

/** VALIDATION details are zod issues: `{ path: (string|number)[], message }[]`. */
export function validationIssues(error: ApiError): FieldIssue[] {
  if (error.code !== 'VALIDATION' || !Array.isArray(error.details)) return [];
  const out: FieldIssue[] = [];
  for (const issue of error.details as unknown[]) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const p = Array.isArray(path) ? path.map((x) => String(x)).join('.') : '';
    out.push({ path: p, message: typeof message === 'string' ? message : '' });
  }
  return out;
}

/** Field errors by dotted path ("admin.pin", "taxRates.0.name"). */
export function fieldErrors(error: ApiError | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error) return out;
  for (const i of validationIssues(error)) if (!(i.path in out)) out[i.path] = i.message;
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

/** One localized sentence for an error, with the server's specifics where they help. */
export function describeError(t: TFunction, error: ApiError, context?: ErrorContext): string {
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
      const issues = validationIssues(error);
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
      return error.message ? `${base} (${error.message})` : base;
    }
  }
}
