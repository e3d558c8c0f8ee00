import type { ApiError, ErrorCode } from '../shared/errors';

/**
 * A business error a handler raises. `keepWrites` commits the transaction before answering with
 * the error: a failed sign-in must still count the attempt and leave its audit record.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly keepWrites = false,
  ) {
    super(message);
  }

  toApi(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** SQLite failures mapped to codes the clerk can act on (disk full, read-only file, busy). */
export function errorFromUnknown(err: unknown): ApiError {
  if (err instanceof AppError) return err.toApi();
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      return { code: 'CONFLICT', message: 'That record already exists', details: { sqlite: message } };
    if (
      code.startsWith('SQLITE_FULL') ||
      code.startsWith('SQLITE_READONLY') ||
      code.startsWith('SQLITE_IOERR') ||
      code.startsWith('SQLITE_CANTOPEN') ||
      code.startsWith('SQLITE_BUSY') ||
      code.startsWith('SQLITE_LOCKED') ||
      code.startsWith('SQLITE_CORRUPT') ||
      code === 'ENOSPC' ||
      code === 'EROFS' ||
      code === 'EACCES'
    )
      return { code: 'IO', message: `Storage error: ${message}`, details: { sqlite: code } };
  }
  return { code: 'INTERNAL', message: 'Unexpected error', details: { message } };
}

export const notFound = (what: string, details?: unknown) => new AppError('NOT_FOUND', `${what} not found`, details);
export const conflict = (message: string, details?: unknown) => new AppError('CONFLICT', message, details);
export const invalid = (message: string, details?: unknown) => new AppError('VALIDATION', message, details);
