/**
 * The co-purchase pairs do not grow without bound: a product keeps its strongest partners and
 * those bought with it lately; weak, old pairs beyond them are pruned, and what the page reads
 * (the strongest first) is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, sql } from '../../../src/cloud/db/open';
import { pruneRecommendationPairs } from '../../../src/cloud/shop/recommend/projection';
import { uuidv7 } from '../../../src/shared/ids';
import { backends, startTestCloud, type Backend, type TestCloud } from '../../support/cloud';

const DAY = 86_400_000;

describe.each(backends())('pruning recommendation pairs on %s', (backend: Backend) => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ backend });
  });
  afterAll(() => cloud.close());

  async function pairs(org: string, a: string, list: { b: string; n: number; at: number }[]) {
    for (const p of list)
      await cloud.deps.db.execute(
        sql`INSERT INTO shop_rec_pairs (org_id, product_a, product_b, n, last_at) VALUES (${org}, ${a}, ${p.b}, ${p.n}, ${p.at})`,
      );
  }
  const partners = async (org: string, a: string) =>
    (
      await rowsOf<{ product_b: string }>(
        cloud.deps.db,
        sql`SELECT product_b FROM shop_rec_pairs WHERE org_id = ${org} AND product_a = ${a} ORDER BY n DESC, product_b`,
      )
    ).map((r) => r.product_b);

  it('keeps a crowded product’s strongest partners and its recent ones; drops the weak old rest; leaves small products alone', async () => {
    const org = uuidv7();
    const now = cloud.deps.clock();
    const crowded = uuidv7();
    const strong = Array.from({ length: 5 }, (_, k) => ({ b: `strong-${k}`, n: 50 - k, at: now - 400 * DAY }));
    const recent = Array.from({ length: 3 }, (_, k) => ({ b: `recent-${k}`, n: 1, at: now - DAY }));
    const stale = Array.from({ length: 30 }, (_, k) => ({ b: `stale-${String(k).padStart(2, '0')}`, n: 1, at: now - 90 * DAY }));
    await pairs(org, crowded, [...strong, ...recent, ...stale]);
    // Another product with as few partners as may stay, all old and weak: nothing to prune.
    const small = uuidv7();
    await pairs(
      org,
      small,
      Array.from({ length: 10 }, (_, k) => ({ b: `old-${k}`, n: 1, at: now - 900 * DAY })),
    );
    // The partner's own side of a pruned pair is its own business.
    await pairs(org, 'stale-00', [{ b: crowded, n: 1, at: now - 90 * DAY }]);

    const gone = await pruneRecommendationPairs(cloud.deps, { keep: 10, graceMs: 30 * DAY });
    const left = await partners(org, crowded);
    // The five strongest and the three recent stay; of the stale ones, only those within the top ten.
    expect(left.slice(0, 5)).toEqual(strong.map((s) => s.b));
    for (const r of recent) expect(left).toContain(r.b);
    expect(left).toHaveLength(10);
    expect(gone).toBe(28);
    expect(await partners(org, small)).toHaveLength(10);
    expect(await partners(org, 'stale-00')).toEqual([crowded]);
    // A second run finds nothing more to prune: the table is bounded, not shrinking forever.
    expect(await pruneRecommendationPairs(cloud.deps, { keep: 10, graceMs: 30 * DAY })).toBe(0);
  });
});
