/**
 * The wire protocol between a terminal and the cloud (HTTP + JSON). Request bodies are validated
 * by the cloud with these schemas; the response shapes are plain types.
 *
 * Records travel as "changes":
 * - mutable: `{ e, i, d: { field: value }, c: stamp | { field: stamp } }` (`c` as one string when
 *   every field has the same stamp, which keeps a fresh catalog small);
 * - append-only / ledger: `{ e, i, d: { column: value }, ch?: { childTable: rows[] } }`.
 */
import { z } from 'zod';

export const API_VERSION = 'v1';

export type Stamps = string | Record<string, string>;

export interface MutableChange {
  e: string;
  i: string;
  d: Record<string, unknown>;
  c: Stamps;
}

export interface FactChange {
  e: string;
  i: string;
  d: Record<string, unknown>;
  ch?: Record<string, Record<string, unknown>[]>;
}

export type Change = MutableChange | FactChange;

/** Size limits of a push (src/cloud/push-request.ts checks the same ones without zod). */
export const PUSH_LIMITS = {
  mutations: 5000,
  entity: 64,
  key: 200,
  field: 64,
  stampMin: 18,
  stampMax: 80,
  childRows: 1000,
  epoch: 64,
} as const;

const key = z.string().min(1).max(PUSH_LIMITS.key);
const row = z.record(z.string().max(PUSH_LIMITS.field), z.unknown());
const stamp = z.string().min(PUSH_LIMITS.stampMin).max(PUSH_LIMITS.stampMax);

/** A journal entry by number and (keyed) hash. */
export const journalHeadSchema = z
  .object({
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type JournalHead = z.infer<typeof journalHeadSchema>;

/** One outbox entry going up. `m` is the device's mutation id: 1, 2, 3, … with no gaps. */
export const mutationSchema = z
  .object({
    m: z.number().int().min(1),
    e: z.string().min(1).max(PUSH_LIMITS.entity),
    i: key,
    /** Nothing to send for this id (the record is local-only, or a later entry in the batch carries it). */
    noop: z.literal(true).optional(),
    d: row.optional(),
    c: z.union([stamp, z.record(z.string().max(PUSH_LIMITS.field), stamp)]).optional(),
    ch: z.record(z.string().max(PUSH_LIMITS.field), z.array(row).max(PUSH_LIMITS.childRows)).optional(),
    /** An entity this build does not know: kept for a manager to look at. */
    raw: z.unknown().optional(),
  })
  .strict();
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z
  .object({
    mutations: z.array(mutationSchema).min(1).max(PUSH_LIMITS.mutations),
    /**
     * The terminal lost mutations the cloud never got (it was restored, or the cloud was): it has
     * queued a full copy of its data and asks the cloud to continue from its first id.
     */
    rebase: z.boolean().optional(),
    /**
     * The terminal's database generation (a time-ordered string), new after it restored a backup:
     * the cloud then takes this batch's first id as the continuation, since the restored outbox
     * reuses ids it had already applied.
     */
    epoch: z.string().min(1).max(PUSH_LIMITS.epoch).optional(),
    /**
     * The newest entry of the terminal's journal: the cloud keeps the highest it has seen, so
     * entries deleted from the end of the terminal's file are detected once it has synced.
     */
    journalHead: journalHeadSchema.optional(),
  })
  .strict();
export type PushRequest = z.infer<typeof pushRequestSchema>;

export interface Rejection {
  m: number;
  e: string;
  i: string;
  code: string;
  message: string;
}

export interface PushResponse {
  lastMutationId: number;
  rejected: Rejection[];
  serverTime: number;
  /** The newest journal entry the cloud has recorded from this terminal (the terminal keeps it to compare on verify). */
  journalHead?: (JournalHead & { at: number }) | null;
}

export interface PullResponse {
  changes: Change[];
  cursor: number;
  more: boolean;
  serverTime: number;
}

const name = z.string().trim().min(1).max(120);
export const terminalCodeSchema = z.string().regex(/^[A-Za-z0-9]{1,12}$/, 'terminal code: letters and digits');

export const signupSecretSchema = z.string().min(1).max(200);
/**
 * A staff record as a till made it (`d` fields, `c` stamps, as a mutable change). Staff reach the
 * cloud only this way: with the organisation's creation, or from an admin signed in to the cloud
 * (POST /v1/staff); never in a device's push.
 */
export const staffChangeSchema = z
  .object({ i: key, d: row, c: z.union([stamp, z.record(z.string().max(PUSH_LIMITS.field), stamp)]) })
  .strict();
export type StaffChange = z.infer<typeof staffChangeSchema>;
export const staffChangesSchema = z.object({ changes: z.array(staffChangeSchema).min(1).max(100) }).strict();

export const createOrgSchema = z
  .object({
    orgName: name,
    storeName: name,
    terminalName: name,
    terminalCode: terminalCodeSchema,
    /** The cloud operator's sign-up secret (sign-up is closed without it). */
    signupSecret: signupSecretSchema.optional(),
    /** The first terminal's staff: the organisation starts with them (its set-up admin among them). */
    staff: z.array(staffChangeSchema).max(1000).optional(),
  })
  .strict();

/** One-time codes are shown as XXXX-XXXX-XXXX; dashes and case are forgiven. */
export const enrolSchema = z.object({ code: z.string().trim().min(8).max(40), terminalName: name }).strict();

export const staffSessionSchema = z.object({ staffId: z.uuid(), pin: z.string().regex(/^\d{4,8}$/) }).strict();
export const createStoreSchema = z.object({ name }).strict();
export const createCodeSchema = z.object({ storeId: z.uuid(), replacesDeviceId: z.uuid().nullable().optional() }).strict();

export interface OrgInfo {
  id: string;
  name: string;
}
export interface StoreInfo {
  id: string;
  name: string;
}
export interface DeviceInfo {
  id: string;
  name: string;
  terminalCode: string;
  storeId: string;
  lastSeenAt: number | null;
  revoked: boolean;
}

/** Answer to creating an organisation or enrolling: the device's credentials and where it belongs. */
export interface Enrolment {
  org: OrgInfo;
  store: StoreInfo;
  device: { id: string; terminalCode: string };
  token: string;
  /** Set when this device takes over an existing terminal (rebuilt on a new machine). */
  replaces: string | null;
  serverTime: number;
}

export interface StaffSession {
  token: string;
  expiresAt: number;
  staff: { id: string; name: string; role: string };
}

export interface StoreWithDevices extends StoreInfo {
  devices: DeviceInfo[];
}

export interface EnrolmentCode {
  code: string;
  expiresAt: number;
  storeId: string;
  replaces: string | null;
}

export interface StoreOverview {
  id: string;
  name: string;
  orders: number;
  salesTotal: number;
  /** Sales in the last 24 hours. */
  salesLastDay: number;
  ordersLastDay: number;
  currency: string | null;
  stockLines: number;
  stockUnits: number;
  terminals: number;
  lastSeenAt: number | null;
}

export interface StockRow {
  productId: string;
  sku: string | null;
  name: string | null;
  /** The other-language name, shown on a screen in that language. */
  altName: string | null;
  qty: number;
}

export interface CloudRejection {
  id: string;
  storeId: string | null;
  terminalCode: string | null;
  mutationId: number;
  entity: string;
  entityId: string;
  code: string;
  message: string;
  createdAt: number;
  resolvedAt: number | null;
}

/** Error body of every non-2xx answer. */
export interface CloudError {
  error: { code: string; message: string };
  lastMutationId?: number;
}

/** Normalises a typed enrolment code: upper case, no separators. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}
