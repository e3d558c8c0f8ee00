/**
 * Sending product pictures to the cloud, for the online shop. A product record names its picture;
 * the bytes (the full picture and its thumbnail, both already scaled by the screen that set them)
 * follow in their own request once the record has been pushed, because the cloud accepts a
 * picture only for the product record that names it.
 *
 * The queue is a table (`picture_uploads`), so it survives an outage and a restart. An upload is
 * idempotent by the picture's name: a retry of one that did arrive is answered "already there" and
 * writes nothing. A changed picture is a new name (the old one is dropped by the cloud when the
 * record changes); a removed picture is a record without a name, which is all the cloud needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Deps } from '../deps';
import { inTransaction } from '../db/open';
import { picturePath, queuePictureUpload } from '../catalog/images';
import { getState, setState } from './state';
import { stmt } from './tables';
import type { Cols, SqlRow } from '../db/rows';
import type { pictureUploads, products } from '../db/schema';
import { CloudCallError, NetworkError, type CloudClient } from './transport';

type PictureDeps = Pick<Deps, 'sqlite' | 'clock' | 'imagesDir'>;

/** Pictures sent per sync cycle, so a long backlog never holds up the cycle's other work. */
const PER_CYCLE = 10;
const MIN_BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 3600_000;

/** Answers that mean the picture itself is refused: sending it again would be refused again. */
const REFUSED = new Set(['VALIDATION', 'NOT_A_PICTURE', 'PICTURE_TOO_WIDE', 'TOO_LARGE']);

/**
 * Once per device (a terminal newly connected, or joined again): every picture this terminal holds
 * is queued, so pictures set before it was connected reach the shop too. Pictures named by records
 * pulled from other terminals are theirs to send: their files are not here.
 */
function queueHeldPictures(deps: PictureDeps, deviceId: string): void {
  if (getState(deps.sqlite, 'picturesQueuedFor') === deviceId) return;
  const dir = deps.imagesDir;
  const named = stmt(deps.sqlite, 'SELECT id, image FROM products WHERE image IS NOT NULL').all() as (Cols<typeof products, 'id'> & {
    image: NonNullable<SqlRow<typeof products>['image']>;
  })[];
  inTransaction(deps.sqlite, () => {
    for (const p of named) {
      const file = dir ? picturePath(dir, p.image) : null;
      if (file && existsSync(file) && existsSync(`${file}.thumb`)) queuePictureUpload(deps.sqlite, p.id, p.image);
    }
    setState(deps.sqlite, 'picturesQueuedFor', deviceId);
  });
}

type Entry = Cols<typeof pictureUploads, 'product_id' | 'name' | 'attempts'> & { current: SqlRow<typeof products>['image'] };

function backoff(deps: PictureDeps, e: Entry, error: string): void {
  const wait = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(20, e.attempts));
  stmt(
    deps.sqlite,
    'UPDATE picture_uploads SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE product_id = ? AND name = ?',
  ).run(deps.clock() + wait, error.slice(0, 500), e.product_id, e.name);
}

/** Done with this entry, unless the picture changed meanwhile (then the new one stays queued). */
function finish(deps: PictureDeps, e: Entry): void {
  stmt(deps.sqlite, 'DELETE FROM picture_uploads WHERE product_id = ? AND name = ?').run(e.product_id, e.name);
}

export interface PictureRound {
  sent: number;
  /** Entries left in the queue (due or waiting). */
  left: number;
}

/**
 * Sends the pictures that are due, up to PER_CYCLE, and answers what it did. Never throws for the
 * cloud's sake: a failure backs the entry off and the sync cycle goes on.
 */
export async function uploadPictures(
  deps: PictureDeps,
  client: Pick<CloudClient, 'putPicture'>,
  deviceId: string,
  opts: { perCycle?: number } = {},
): Promise<PictureRound> {
  queueHeldPictures(deps, deviceId);
  const due = stmt(
    deps.sqlite,
    `SELECT u.product_id, u.name, u.attempts, p.image AS current FROM picture_uploads u LEFT JOIN products p ON p.id = u.product_id
     WHERE u.next_at <= ? ORDER BY u.next_at, u.product_id LIMIT ?`,
  ).all(deps.clock(), opts.perCycle ?? PER_CYCLE) as Entry[];
  let sent = 0;
  for (const e of due) {
    // The product names another picture now, or none: this one is no longer wanted online.
    const file = e.current === e.name && deps.imagesDir ? picturePath(deps.imagesDir, e.name) : null;
    let full: Buffer;
    let thumb: Buffer;
    try {
      if (!file) throw new Error('gone');
      full = readFileSync(file);
      thumb = readFileSync(`${file}.thumb`);
    } catch {
      finish(deps, e);
      continue;
    }
    try {
      await client.putPicture(e.product_id, { name: e.name, full: full.toString('base64'), thumb: thumb.toString('base64') });
      finish(deps, e);
      sent += 1;
    } catch (err) {
      if (err instanceof CloudCallError && REFUSED.has(err.code)) {
        // Kept for a manager among sync's refusals; sending it again would only be refused again.
        inTransaction(deps.sqlite, () => {
          stmt(
            deps.sqlite,
            'INSERT OR IGNORE INTO sync_rejections (id, mutation_id, entity, entity_id, code, message, at) VALUES (?, NULL, ?, ?, ?, ?, ?)',
          ).run(`picture:${e.name}`, 'product', e.product_id, err.code, err.message, deps.clock());
          finish(deps, e);
        });
        continue;
      }
      // Not yet (the record naming it has not reached the cloud), the cloud failing, or no network.
      backoff(deps, e, err instanceof Error ? `${err instanceof CloudCallError ? `${err.code}: ` : ''}${err.message}` : String(err));
      if (err instanceof NetworkError) break;
    }
  }
  const left = stmt(deps.sqlite, 'SELECT COUNT(*) FROM picture_uploads', 'pluck').get() as number;
  return { sent, left };
}
