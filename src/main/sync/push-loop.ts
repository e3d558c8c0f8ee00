/**
 * Sending the outbox, batch after batch, one request in flight at a time (the cloud refuses a
 * batch that arrives before the one it follows). The terminal's own work for a batch overlaps the
 * cloud's: while a batch is being applied there, the previous answer is settled here and the next
 * batch is read, so it goes out the moment the answer comes (a fifth of a push's time at 1,000
 * changes a batch).
 *
 * Reading ahead is safe: a batch carries records as they are when read, and a record edited after
 * that gets a new outbox entry, sent later. A batch whose answer did not cover it whole, or that
 * failed, drops what was read ahead; the next read starts from the outbox again.
 */
import type { Deps } from '../deps';
import type { PushResponse } from '../../shared/sync/protocol';
import { ackBatch, enqueueSnapshot, readBatch, type Batch } from './push';
import { getState } from './state';
import { journalHead, noteCloudHead } from '../journal/journal';
import { CloudCallError, type CloudClient } from './transport';

export interface PushLoopOptions {
  batchSize: number;
  maxBatches: number;
  /** Each answer, as it arrives (the engine reads the cloud's clock from it; the bench times it). */
  onAnswer?: (res: PushResponse, batch: Batch) => void;
}

type PushDeps = Pick<Deps, 'sqlite' | 'clock' | 'ids' | 'hlc' | 'secrets'>;

export async function pushOutbox(
  deps: PushDeps,
  client: Pick<CloudClient, 'push'>,
  deviceId: string,
  opts: PushLoopOptions,
): Promise<void> {
  let rebase = false;
  let ahead: Batch | null = null;
  let unsettled: { batch: Batch; res: PushResponse } | null = null;
  try {
    for (let n = 0; n < opts.maxBatches; n++) {
      let batch: Batch | null = ahead;
      ahead = null;
      if (!batch) {
        // Nothing read ahead (the outbox looked empty, or the last answer fell short): settle the
        // last answer first, so what it covered is not read again.
        if (unsettled) {
          ackBatch(deps, unsettled.batch, unsettled.res, deviceId);
          unsettled = null;
        }
        batch = readBatch(deps, opts.batchSize);
        if (!batch) return;
      }
      const epoch = getState(deps.sqlite, 'epoch');
      const head = journalHead(deps.sqlite);
      const sending = client.push({
        mutations: batch.mutations,
        ...(rebase ? { rebase: true } : {}),
        ...(epoch ? { epoch } : {}),
        ...(head ? { journalHead: head } : {}),
      });
      sending.catch(() => undefined);
      // While the cloud works: settle the previous answer, read the next batch. (After a turn of
      // the event loop: the request is written out there, so the cloud starts at once.)
      await new Promise<void>((resume) => setImmediate(resume));
      if (unsettled) {
        ackBatch(deps, unsettled.batch, unsettled.res, deviceId);
        unsettled = null;
      }
      const next: Batch | null = n + 1 < opts.maxBatches ? readBatch(deps, opts.batchSize, batch.lastSeq) : null;
      let res: PushResponse;
      try {
        res = await sending;
      } catch (err) {
        if (err instanceof CloudCallError && err.code === 'GAP' && !rebase) {
          const cloudLast = Number(err.extra.lastMutationId ?? 0);
          const first = batch.mutations[0]!.m;
          if (first > cloudLast + 1) {
            // The cloud lacks changes this terminal no longer holds: queue a full copy and ask the
            // cloud to continue from here (a manager sees a notice).
            enqueueSnapshot(deps);
            rebase = true;
            continue;
          }
        }
        throw err;
      }
      opts.onAnswer?.(res, batch);
      // Kept outside the database file, so deleting the newest entries cannot also erase what the cloud saw.
      noteCloudHead(deps.secrets, res.journalHead);
      rebase = false;
      unsettled = { batch, res };
      if (res.lastMutationId >= batch.mutations[batch.mutations.length - 1]!.m) ahead = next;
    }
  } finally {
    if (unsettled) ackBatch(deps, unsettled.batch, unsettled.res, deviceId);
  }
}
