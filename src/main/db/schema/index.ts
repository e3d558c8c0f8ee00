/**
 * The store's tables, one file per domain (core = the foundation). drizzle-kit reads this folder;
 * `npm run db:generate` writes the next migration into src/main/db/migrations.
 */
export * from './core';
export * from './catalog';
export * from './inventory';
export * from './aftersale';
export * from './shifts';
export * from './insight';
export * from './sync';
export * from './payments';
export * from './promotions';
export * from './coupons';
export * from './stored-value';
export * from './price-lists';
export * from './online';
