/**
 * The cloud keeps each till's journal head as it syncs, so entries deleted from the end of a
 * till's journal are reported once it has synced (through the real HTTP app, PGlite in memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../support/app';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { firstTerminal, sell, syncAll, terminal, type Terminal } from '../support/sync';
import { rowsOf, sql } from '../../src/cloud/db/open';
import { JOURNAL_SECRETS, readCloudHead } from '../../src/main/journal/journal';
import { describeReport, journalReport } from '../../src/main/journal/report';
import { parsePushRequest } from '../../src/cloud/push-request';
import { pushRequestSchema } from '../../src/shared/sync/protocol';

let cloud: TestCloud;
const open: Terminal[] = [];
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  for (const t of open) t.close();
  await cloud.close();
});

const heads = () =>
  rowsOf<{ seq: string | number; hash: string }>(cloud.store.db, sql`SELECT seq, hash FROM journal_heads ORDER BY device_id`);

describe('the journal head in the cloud', () => {
  it('deleting the newest journal entries after a sync is reported as truncation', async () => {
    const t = terminal(cloud.transport);
    open.push(t);
    const first = await firstTerminal(t, cloud.url, 'Head Grocers');
    for (let k = 0; k < 3; k++) await sell(t, [{ productId: first.cola.id }]);
    await syncAll([t]);
    const newest = t.deps.sqlite.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    expect(newest.seq).toBe(3);
    // The cloud recorded it, and told the till, which keeps it outside the database file.
    expect((await heads()).map((h) => [Number(h.seq), h.hash])).toContainEqual([3, newest.hash]);
    expect(readCloudHead(t.deps.secrets)).toMatchObject({ seq: 3, hash: newest.hash });
    expect((await ok(t, 'journal.verify', {}, 's1')).ok).toBe(true);

    // Someone deletes the last two sales' entries from the file.
    t.deps.sqlite.prepare('DELETE FROM journal WHERE seq > 1').run();
    const report = await ok(t, 'journal.verify', {}, 's1');
    expect(report).toMatchObject({ ok: false, problem: 'truncated', lastSeq: 1, cloudHead: { seq: 3, hash: newest.hash } });
    expect(describeReport('countertop.db', journalReport(t.deps)).join('\n')).toContain(
      `the cloud saw entry #3 with hash ${newest.hash}; the file ends at #1 < 3: entries deleted`,
    );

    // Pushing the shorter journal does not lower what the cloud saw: the next sale is #2 again.
    await sell(t, [{ productId: first.cola.id }]);
    await syncAll([t]);
    expect((await heads()).map((h) => Number(h.seq))).toContain(3);
    expect(JSON.parse(t.deps.secrets.get(JOURNAL_SECRETS.cloudHead)!)).toMatchObject({ seq: 3, hash: newest.hash });
    expect(journalReport(t.deps)).toMatchObject({ ok: false, problem: 'truncated' });
    // And the cloud notes it for a manager, in case the till's own copy of the head is gone too.
    const noted = await rowsOf<{ code: string; entity_id: string }>(
      cloud.store.db,
      sql`SELECT code, entity_id FROM rejections WHERE code = 'JOURNAL_BEHIND'`,
    );
    expect(noted).toEqual([{ code: 'JOURNAL_BEHIND', entity_id: '3' }]);
  });

  it('the push request carries the head in the exact shape, by the quick check and by the schema alike', () => {
    const base = { mutations: [{ m: 1, e: 'product', i: 'p', noop: true as const }] };
    const good = { ...base, journalHead: { seq: 4, hash: 'a'.repeat(64) } };
    expect(parsePushRequest(good)).toMatchObject({ success: true, data: good });
    for (const bad of [
      { seq: -1, hash: 'a'.repeat(64) },
      { seq: 1.5, hash: 'a'.repeat(64) },
      { seq: 1, hash: 'A'.repeat(64) },
      { seq: 1, hash: 'a'.repeat(63) },
      { seq: 1, hash: 'a'.repeat(64), extra: 1 },
    ]) {
      expect(parsePushRequest({ ...base, journalHead: bad }).success, JSON.stringify(bad)).toBe(false);
      expect(pushRequestSchema.safeParse({ ...base, journalHead: bad }).success).toBe(false);
    }
  });
});
