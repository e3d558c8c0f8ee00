import { defineConfig } from 'drizzle-kit';

/** The cloud's PostgreSQL schema (the terminal's SQLite schema is drizzle.config.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/cloud/db/schema.ts', './src/cloud/shop/*/schema.ts'],
  out: './src/cloud/db/migrations',
});
