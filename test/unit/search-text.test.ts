import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { ftsQuery, pinyinTokens, searchDoc, spaceCjk } from '../../src/main/catalog/search-text';

const tokens = (s: string) => s.split(' ').filter(Boolean);

describe('spaceCjk', () => {
  it('puts every Chinese character in its own token and leaves Latin words whole', () => {
    expect(spaceCjk('苹果')).toBe('苹 果');
    expect(spaceCjk('富士苹果 Fuji apples')).toBe('富 士 苹 果 Fuji apples');
    expect(spaceCjk('Cola可乐330ml')).toBe('Cola 可 乐 330ml');
    expect(spaceCjk('  plain   text ')).toBe('plain text');
  });
});

describe('pinyinTokens', () => {
  it('苹果 gives the initials pg and the full pingguo', () => {
    const t = tokens(pinyinTokens('苹果'));
    expect(t).toContain('pg');
    expect(t).toContain('pingguo');
  });

  it('富士苹果 gives pg (from the middle), fspg and fushipingguo', () => {
    const t = tokens(pinyinTokens('富士苹果'));
    expect(t).toContain('pg');
    expect(t).toContain('fspg');
    expect(t).toContain('pingguo');
    expect(t).toContain('fushipingguo');
  });

  it('uses every name given and ignores Latin-only or empty names', () => {
    expect(pinyinTokens('Apples', null, undefined, '')).toBe('');
    const t = tokens(pinyinTokens('Fuji apples', '苹果'));
    expect(t).toContain('pg');
    expect(t.every((x) => /^[a-z]+$/.test(x))).toBe(true);
  });

  it('searchDoc puts names, codes and pinyin in their columns', () => {
    const doc = searchDoc({ name: 'Fuji apples', altName: '富士苹果', sku: 'APL-1', barcodes: ['4006381333931'] });
    expect(doc.text).toBe('Fuji apples 富 士 苹 果');
    expect(doc.codes).toBe('APL-1 4006381333931');
    expect(tokens(doc.py)).toContain('pg');
  });
});

describe('ftsQuery', () => {
  it('nothing searchable gives null', () => {
    for (const q of ['', '   ', '"', '*', '-', '()', '"*"', ',;/|']) expect(ftsQuery(q), JSON.stringify(q)).toBeNull();
  });

  it('Latin words become prefix terms, lower-cased', () => {
    expect(ftsQuery('Cola')).toBe('"cola"*');
    expect(ftsQuery('sour Bread')).toBe('"sour"* AND "bread"*');
    expect(ftsQuery('ＣＯＬＡ')).toBe('"cola"*'); // full-width letters from a Chinese IME
  });

  it('Chinese runs become phrases of single characters in the name column', () => {
    expect(ftsQuery('苹')).toBe('text:"苹"');
    expect(ftsQuery('苹果')).toBe('text:"苹 果"');
    expect(ftsQuery('富士 苹果')).toBe('text:"富 士" AND text:"苹 果"');
    expect(ftsQuery('可乐330')).toBe('text:"可 乐" AND "330"*');
  });

  it('whatever is typed, the query is valid FTS5 syntax (no injection of operators or quotes)', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text, codes, py, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')");
    db.prepare('INSERT INTO t VALUES (?, ?, ?)').run(spaceCjk('Fuji apples 富士苹果'), 'APL-1 4006381333931', pinyinTokens('富士苹果'));
    const stmt = db.prepare('SELECT rowid FROM t WHERE t MATCH ?');
    try {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.stringMatching(/^[a-z"*()^:+\-苹果 ]{0,20}$/),
            fc.constantFrom('AND', 'OR', 'NOT', 'NEAR(a b)', 'text:x', 'a OR b', '"unterminated', 'col:*', '^start', 'a + b'),
          ),
          (typed) => {
            const q = ftsQuery(typed);
            if (q !== null) expect(() => stmt.all(q)).not.toThrow();
          },
        ),
        { numRuns: 500 },
      );
      // And the ordinary queries find the row.
      for (const q of ['fuji', 'app', '苹', '苹果', '士苹', 'pg', 'fspg', 'pinggu', 'APL', '400638'])
        expect(stmt.all(ftsQuery(q)!), q).toHaveLength(1);
      expect(stmt.all(ftsQuery('果苹')!)).toHaveLength(0);
    } finally {
      db.close();
    }
  });
});
