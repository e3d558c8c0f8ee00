/** Promotions: the definition (schema.ts), the engine (engine.ts) and refunds of returns (returns.ts). */
export * from './schema';
export * from './engine';
export * from './returns';
