import { z } from 'zod';
import { safeLine } from '../text';
import { channel } from './define';
import * as c from './common';

/**
 * Data safety and oversight: backups, restore, recovery after damage, export, the journal check and
 * the audit log. Backups and restore act on this terminal's own database file.
 */

export type BackupReason = 'scheduled' | 'shutdown' | 'manual' | 'before-restore' | 'export';

export interface BackupInfo {
  /** File name inside `<data>/backups/` (never a path). */
  name: string;
  size: number;
  createdAt: number;
  reason: BackupReason;
}

export interface BackupConfig {
  /** Backups older than this are deleted (the newest one is always kept). */
  retentionDays: number;
  /** Minutes between automatic backups while the app runs. */
  intervalMinutes: number;
}

export interface BackupOverview {
  folder: string;
  backups: BackupInfo[];
  config: BackupConfig;
}

export interface RestoreResult {
  restored: string;
  /** The database that was replaced, kept as a backup so the restore can be undone. */
  keptAs: string | null;
}

/** The last full integrity check of the store, run in the background while it sells. */
export interface IntegrityStatus {
  at: number;
  ok: boolean;
  /** What was wrong, in SQLite's words (null when ok). */
  problem: string | null;
}

/** Set when the database failed its start-up check: the app waits for a restore. */
export interface RecoveryInfo {
  /** What was wrong, in SQLite's words. */
  problem: string;
  /** The damaged file, renamed and kept next to where it was (null when nothing could be kept). */
  damagedFile: string | null;
  folder: string;
  backups: BackupInfo[];
}

export interface ExportResult {
  folder: string;
  files: { name: string; rows: number | null; bytes: number }[];
}

/**
 * What is wrong with the journal, for the first entry found wrong (see src/main/journal/journal.ts):
 * content (a fact no longer matches its rows), link (an entry deleted or inserted), hash (recomputed
 * without the key), unkeyed (an entry stripped of its key), legacy (a pre-key entry changed),
 * truncated (the cloud saw later entries than the file holds), diverged (the cloud saw another
 * entry under that number), nokey (keyed entries this machine has no key for).
 */
export type JournalProblem = 'content' | 'link' | 'hash' | 'unkeyed' | 'legacy' | 'truncated' | 'diverged' | 'nokey';

export interface JournalReport {
  ok: boolean;
  entries: number;
  checkedAt: number;
  /** The first entry whose link, hash or content does not match (everything after it is suspect too). */
  firstBroken: { seq: number; refId: string; kind: string } | null;
  problem: JournalProblem | null;
  /** Entries from before the journal was keyed (plain SHA-256: checked, but anyone could recompute them). */
  legacy: number;
  /** The first keyed entry. */
  keyedFrom: number | null;
  /** Keyed entries this machine has no key for: their links are checked, their hashes cannot be. */
  unverified: { from: number; to: number; count: number } | null;
  /** The newest entry the cloud saw from this till (null before it synced). */
  cloudHead: { seq: number; hash: string } | null;
  /** The newest entry in the file. */
  lastSeq: number;
  /** Entries per kind: sale, refund, void, shift_close … */
  kinds: Record<string, number>;
  /** The number of the first broken entry's record (sale, refund or shift), when it has one. */
  firstBrokenNumber: string | null;
}

export interface AuditRow {
  id: string;
  at: number;
  staffId: string | null;
  staffName: string | null;
  action: string;
  target: string | null;
  details: unknown;
  terminalCode: string;
  approvedBy: string | null;
  approverName: string | null;
  success: boolean;
}

export interface AuditCursor {
  at: number;
  id: string;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Pass as `before` for the next (older) page; null at the end. */
  next: AuditCursor | null;
  /** What the ids in this page's targets and details name (a product, a person, an order number…). */
  names: Record<string, AuditName>;
}

/** A record an audit entry points at, named for people: `altName` is a product's or category's other-language name. */
export interface AuditName {
  name: string;
  altName: string | null;
}

export interface AuditFacets {
  actions: string[];
  terminals: string[];
  staff: { id: string; name: string }[];
}

const backupName = z
  .string()
  .max(200)
  .regex(/^countertop-[0-9TZ-]+-[a-z-]+(-\d+)?\.db$/, 'not a backup file name');

const epoch = z.number().int().min(0).max(8_640_000_000_000_000);

export const auditFilter = z
  .object({
    staffId: c.id.optional(),
    approvedBy: c.id.optional(),
    /** Exact action (`price.override`). */
    action: safeLine(64, { min: 1 }).optional(),
    /** A family of actions by prefix (`staff.` → staff.create, staff.role, …). */
    actionPrefix: safeLine(64, { min: 1 }).optional(),
    terminal: safeLine(32, { min: 1 }).optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    from: epoch.optional(),
    to: epoch.optional(),
    limit: z.number().int().min(1).max(200).optional(),
    before: z
      .object({ at: epoch, id: safeLine(64, { trim: false }) })
      .strict()
      .optional(),
  })
  .strict();

export const adminContract = {
  'backup.list': channel<BackupOverview>()({ input: c.empty, role: 'admin', writes: false }),
  'backup.create': channel<BackupInfo>()({ input: c.empty, role: 'admin', writes: 'own' }),
  'backup.restore': channel<RestoreResult>()({ input: z.object({ name: backupName }).strict(), role: 'admin', writes: 'own' }),
  'backup.delete': channel<BackupOverview>()({ input: z.object({ name: backupName }).strict(), role: 'admin', writes: 'own' }),
  'backup.configure': channel<BackupConfig>()({
    input: z
      .object({
        retentionDays: z.number().int().min(1).max(3650).optional(),
        intervalMinutes: z.number().int().min(5).max(1440).optional(),
      })
      .strict(),
    role: 'admin',
    writes: true,
  }),
  'data.export': channel<ExportResult>()({ input: c.empty, role: 'admin', writes: 'own' }),
  'integrity.status': channel<IntegrityStatus | null>()({ input: c.empty, role: 'admin', writes: false }),
  'journal.verify': channel<JournalReport>()({ input: c.empty, role: 'manager', writes: false }),
  'audit.list': channel<AuditPage>()({ input: auditFilter, role: 'manager', writes: false }),
  'audit.facets': channel<AuditFacets>()({ input: c.empty, role: 'manager', writes: false }),
  /** Only while the app is in recovery (damaged database): before anyone can sign in. */
  /**
   * Public (nobody can sign in to a damaged store), so the restore is confirmed by the PIN of an
   * active admin in the chosen backup: whoever restores proves they ran the store it brings back.
   */
  'recovery.restore': channel<RestoreResult>()({
    input: z.object({ name: backupName, pin: c.pin }).strict(),
    role: 'public',
    writes: 'own',
  }),
  'recovery.startEmpty': channel<RestoreResult>()({ input: c.empty, role: 'public', writes: 'own' }),
};
