/**
 * A trade's states, apart from the payments contract so that the renderer's first screen can know
 * them without loading the contract's schemas (zod).
 *
 * created → sent → (waiting →) paid | failed | cancelled; `unknown` after a lost answer or a system
 * error (queried before anything else); `cancelling` while a cancel or reverse is unresolved;
 * `refunded` when a paid trade that no sale used was given back automatically.
 */
export type TradeState = 'created' | 'sent' | 'waiting' | 'unknown' | 'cancelling' | 'paid' | 'failed' | 'cancelled' | 'refunded';
export const OPEN_TRADE_STATES: readonly TradeState[] = ['created', 'sent', 'waiting', 'unknown', 'cancelling'];
