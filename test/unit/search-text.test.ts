import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { codeFirst, codePrefixRange, ftsQuery, looksLikeCode, pinyinTokens, searchDoc, spaceCjk } from '../../src/main/catalog/search-text';

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

  it('searchDoc puts names and pinyin in their columns, and nothing else (codes have their own indexes)', () => {
    const doc = searchDoc({ name: 'Fuji apples', altName: '富士苹果' });
    expect(doc).toEqual({ text: 'Fuji apples 富 士 苹 果', py: expect.any(String) as string });
    expect(tokens(doc.py)).toContain('pg');
    expect(searchDoc({ name: 'Cola 330ml' })).toEqual({ text: 'Cola 330ml', py: '' });
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
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text, py, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6')");
    db.prepare('INSERT INTO t VALUES (?, ?)').run(spaceCjk('Fuji apples 富士苹果'), pinyinTokens('富士苹果'));
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
      for (const q of ['fuji', 'app', '苹', '苹果', '士苹', 'pg', 'fspg', 'pinggu']) expect(stmt.all(ftsQuery(q)!), q).toHaveLength(1);
      expect(stmt.all(ftsQuery('果苹')!)).toHaveLength(0);
    } finally {
      db.close();
    }
  });
});

describe('code prefixes', () => {
  it('one token of 2+ ASCII code characters may start a code; spaces, Chinese and single characters may not', () => {
    for (const q of ['AJ-1', 'hd-s', 'milk', '5000112', 'A1', 'TS.M', 'X_1/2']) expect(looksLikeCode(q), q).toBe(true);
    for (const q of ['a', '7', 'oat milk', '苹果', 'AJ 1', '-AJ', 'café', '"AJ', 'AJ*']) expect(looksLikeCode(q), q).toBe(false);
  });

  it('codes first for code punctuation or digits, names first for plain words and short numbers', () => {
    for (const q of ['AJ-', 'hd-s', 'TS.M', '50001126', '12345', 'SKU0001', 'a1']) expect(codeFirst(q), q).toBe(true);
    for (const q of ['milk', 'cola', 'FUJI', '12', '330', '2024', 'oat milk', '苹果1']) expect(codeFirst(q), q).toBe(false);
  });

  it('the range holds exactly the texts that start with the prefix (SQLite BINARY order)', () => {
    expect(codePrefixRange('AJ-')).toEqual(['AJ-', 'AJ.']);
    expect(codePrefixRange('4006')).toEqual(['4006', '4007']);
    expect(codePrefixRange('a9')).toEqual(['a9', 'a:']);
    expect(codePrefixRange('TZ')).toEqual(['TZ', 'T[']);
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE c (code TEXT PRIMARY KEY)');
      const ins = db.prepare('INSERT INTO c VALUES (?)');
      const codes = [
        'AJ',
        'AJ-',
        'AJ-1',
        'AJ-10',
        'AJ.',
        'AJ.1',
        'AJ,',
        'AI-9',
        'aj-1',
        'AJ-~',
        'AJ-z',
        'AK-1',
        '4006',
        '40069',
        '4007',
        '400',
      ];
      for (const c of codes) ins.run(c);
      const within = db.prepare('SELECT code FROM c WHERE code >= ? AND code < ? ORDER BY code').pluck();
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{1,5}$/), (p) => {
          const [from, to] = codePrefixRange(p);
          expect(within.all(from, to)).toEqual(codes.filter((c) => c.startsWith(p)).sort());
        }),
        { numRuns: 300 },
      );
      for (const p of ['AJ-', 'AJ', '400', '4006', 'AJ-1'])
        expect(within.all(...codePrefixRange(p)), p).toEqual(codes.filter((c) => c.startsWith(p)).sort());
    } finally {
      db.close();
    }
  });
});
