/** The closed set of error codes the router can answer with. The renderer localizes each one. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'OUT_OF_STOCK',
  'LOCKED',
  'SESSION_LOCKED',
  'APPROVAL_REQUIRED',
  'INSUFFICIENT_PAYMENT',
  'DECLINED',
  /** A service the action needs cannot be reached now (a payment provider while offline). */
  'UNAVAILABLE',
  'SETUP_REQUIRED',
  /** Selling needs an open cash-drawer shift on this terminal. */
  'SHIFT_REQUIRED',
  'IO',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };
