import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // scrypt at OWASP strength takes ~128 MiB per hash; two workers keep memory and the 2 cores sane.
    maxWorkers: 2,
  },
});
