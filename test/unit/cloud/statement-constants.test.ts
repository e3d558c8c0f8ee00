/** Constants written into a statement's text: only the code's own whole numbers and plain words get there. */
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { constant, constantWord, sql } from '../../../src/cloud/db/open';

const text = (q: ReturnType<typeof sql>) => new PgDialect().sqlToQuery(q);

describe('statement constants', () => {
  it('writes a whole number and a plain word into the text, not as parameters', () => {
    const q = text(sql`SELECT ${constantWord('best')} AS kind FROM t WHERE id = ${'x'} LIMIT ${constant(24)}`);
    expect(q.sql).toBe(`SELECT 'best' AS kind FROM t WHERE id = $1 LIMIT 24`);
    expect(q.params).toEqual(['x']);
  });

  it('refuses anything that could change the statement', () => {
    for (const n of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) expect(() => constant(n)).toThrow();
    for (const w of ["best' OR '1'='1", 'a b', '', 'Best', 'x;--']) expect(() => constantWord(w)).toThrow();
  });
});
