/** Coupons: the code format (code.ts) and the campaign rules priced by the promotion engine (rules.ts). */
export * from './code';
export * from './rules';
