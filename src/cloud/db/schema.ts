/**
 * The cloud's PostgreSQL schema (PGlite or a real server). `npm run cloud:generate` writes the
 * next migration into src/cloud/db/migrations.
 *
 * Tenancy: organisation → stores → devices (terminals). Every row below carries `org_id` and
 * every query filters by the caller's organisation.
 *
 * Synced data lives in one table, `records`, whatever the entity: its key is
 * (org, entity, store, entity id) and `seq` is the position of its latest change in the
 * organisation's change log. A pull reads `records` by `seq` after the cursor: each record appears
 * once, in its latest state (a log compacted by key), so a new terminal's first pull reads each
 * product once however often it was edited.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  /** Last change-log position handed out. Bumped under a row lock, so positions commit in order. */
  changeSeq: ms('change_seq').notNull().default(0),
  createdAt: ms('created_at').notNull(),
});

export const stores = pgTable(
  'stores',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('stores_org_idx').on(t.orgId)],
);

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    name: text('name').notNull(),
    terminalCode: text('terminal_code').notNull(),
    /** sha256 of the device token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    /** The last mutation id applied from this device (its ids are 1, 2, 3, … with no gaps). */
    lastMutationId: ms('last_mutation_id').notNull().default(0),
    /**
     * The device's database generation: it changes when the terminal restores a backup, whose
     * outbox starts again below ids the cloud already applied (see push.ts).
     */
    epoch: text('epoch'),
    createdAt: ms('created_at').notNull(),
    lastSeenAt: ms('last_seen_at'),
    revokedAt: ms('revoked_at'),
  },
  (t) => [
    uniqueIndex('devices_token_uq').on(t.tokenHash),
    uniqueIndex('devices_code_uq')
      .on(t.orgId, t.terminalCode)
      .where(sql`${t.revokedAt} IS NULL`),
    index('devices_org_idx').on(t.orgId, t.storeId),
  ],
);

export const enrolmentCodes = pgTable('enrolment_codes', {
  /** sha256 of the normalised one-time code. */
  codeHash: text('code_hash').primaryKey(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  storeId: uuid('store_id')
    .notNull()
    .references(() => stores.id),
  /** The device a rebuilt terminal replaces (it keeps its terminal code and order numbers). */
  replacesDeviceId: uuid('replaces_device_id'),
  createdBy: text('created_by'),
  createdAt: ms('created_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
  usedAt: ms('used_at'),
  usedBy: uuid('used_by'),
});

/** A manager or admin signed in to the cloud from a terminal (PIN checked against the synced hash). */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    staffId: text('staff_id').notNull(),
    deviceId: uuid('device_id').notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('staff_sessions_org_idx').on(t.orgId, t.staffId)],
);

/** Wrong cloud PINs per staff member: 5 lock the cloud sign-in for 30 minutes. */
export const staffLockouts = pgTable(
  'staff_lockouts',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    staffId: text('staff_id').notNull(),
    failed: integer('failed').notNull().default(0),
    lockedUntil: ms('locked_until'),
  },
  (t) => [primaryKey({ name: 'staff_lockouts_pk', columns: [t.orgId, t.staffId] })],
);

export const records = pgTable(
  'records',
  {
    // No foreign key: every writer first reserves change-log positions on the organisation's row
    // (reserveSeqs), which fails for an unknown organisation and locks the row until commit. The
    // key's per-row check doubled the cost of inserting a push's thousand rows.
    orgId: uuid('org_id').notNull(),
    entity: text('entity').notNull(),
    /** '' for organisation-wide records, else the store the record belongs to. */
    storeId: text('store_id').notNull(),
    entityId: text('entity_id').notNull(),
    kind: text('kind', { enum: ['mutable', 'append-only', 'ledger'] }).notNull(),
    /** The change exactly as terminals receive it (JSON text: served without re-encoding). */
    body: text('body').notNull(),
    /** `field=value` for the entity's unique fields: what the record claims in `record_uniques`. */
    uniq: text('uniq').array(),
    /** Projections for reports: the product a movement moves, its quantity, an order's total and time. */
    refId: text('ref_id'),
    qty: ms('qty'),
    amount: ms('amount'),
    at: ms('at'),
    seq: ms('seq').notNull(),
    deviceId: uuid('device_id'),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'records_pk', columns: [t.orgId, t.entity, t.storeId, t.entityId] }),
    index('records_seq_idx').on(t.orgId, t.seq),
    // No index on ref_id: the reports read a store's movements or orders as a range of the primary
    // key (org, entity, store) and group them in memory; a third index cost every push a sixth of
    // its insert time.
    // A customer by email, for the shop to know a signed-in buyer as that customer (shop/pricing/member.ts).
    // Partial: only customer records carry it, so a push of sales and movements pays nothing for it.
    index('records_customer_email_idx')
      .on(t.orgId, sql`lower((${t.body}::jsonb -> 'd') ->> 'email')`)
      .where(sql`${t.entity} = 'customer'`),
  ],
);

/**
 * Who holds each unique value (`field=value`, from `records.uniq`) per organisation and entity.
 * A B-tree keyed by the value answers "who holds these 1,000 barcodes?" with one index probe each
 * and stays within the organisation (a GIN index over `uniq` matched every organisation selling
 * the same barcode and slowed down as its pending list grew). Written only alongside `records`
 * (whose `org_id` is checked), so no foreign key: it would cost a lookup per claim for nothing.
 */
export const recordUniques = pgTable(
  'record_uniques',
  {
    orgId: uuid('org_id').notNull(),
    entity: text('entity').notNull(),
    value: text('value').notNull(),
    entityId: text('entity_id').notNull(),
  },
  (t) => [primaryKey({ name: 'record_uniques_pk', columns: [t.orgId, t.entity, t.value] })],
);

/** Business rejections: recorded, shown to a manager, never blocking the device's queue. */
export const rejections = pgTable(
  'rejections',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id'),
    deviceId: uuid('device_id'),
    mutationId: ms('mutation_id').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    code: text('code').notNull(),
    message: text('message').notNull(),
    body: text('body'),
    createdAt: ms('created_at').notNull(),
    resolvedAt: ms('resolved_at'),
    resolvedBy: text('resolved_by'),
  },
  (t) => [index('rejections_org_idx').on(t.orgId, t.createdAt), index('rejections_device_idx').on(t.deviceId, t.mutationId)],
);

/**
 * The newest journal entry each terminal has reported (the highest number seen, never lowered):
 * a terminal whose file later ends before it had its newest entries deleted.
 */
export const journalHeads = pgTable('journal_heads', {
  deviceId: uuid('device_id')
    .primaryKey()
    .references(() => devices.id),
  seq: ms('seq').notNull(),
  hash: text('hash').notNull(),
  at: ms('at').notNull(),
});

/**
 * Payment trades a terminal started that the provider may notify about (a QR or card terminal
 * trade): what the cloud checks a notification against (this store's trade, this amount).
 */
export const paymentTrades = pgTable(
  'payment_trades',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    provider: text('provider').notNull(),
    tradeNo: text('trade_no').notNull(),
    amount: ms('amount').notNull(),
    currency: text('currency').notNull(),
    deviceId: uuid('device_id').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'payment_trades_pk', columns: [t.storeId, t.provider, t.tradeNo] })],
);

/**
 * What verifies a store's notifications from one provider (the Alipay public key, the WeChat API
 * key, the Stripe webhook secret) and the merchant they must name. Set only by a signed-in admin
 * and never sent back in any answer. The cloud has no OS keychain, so this is plain text in the
 * database: whoever reads the database can verify (or, for a shared secret, forge) notices.
 */
export const paymentNoticeKeys = pgTable(
  'payment_notice_keys',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    provider: text('provider').notNull(),
    merchant: text('merchant').notNull(),
    material: text('material').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'payment_notice_keys_pk', columns: [t.storeId, t.provider] })],
);

/** Verified notifications, once each (provider + event id), read by the store's tills by `seq`. */
export const paymentNotices = pgTable(
  'payment_notices',
  {
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    tradeNo: text('trade_no').notNull(),
    /** The provider's answer in our words (TradeAnswer as JSON). */
    answer: text('answer').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [uniqueIndex('payment_notices_event_uq').on(t.provider, t.eventId), index('payment_notices_store_idx').on(t.storeId, t.seq)],
);

/** Notifications refused (bad signature, wrong merchant or amount, unknown trade), with why. They change nothing. */
export const paymentNoticeRejections = pgTable(
  'payment_notice_rejections',
  {
    id: uuid('id').primaryKey(),
    /** Null when the path named no store of any organisation. */
    orgId: uuid('org_id'),
    storeId: text('store_id').notNull(),
    provider: text('provider').notNull(),
    reason: text('reason').notNull(),
    message: text('message').notNull(),
    eventId: text('event_id'),
    tradeNo: text('trade_no'),
    /** The first bytes of the body, for a person looking into it. */
    body: text('body'),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [index('payment_notice_rejections_store_idx').on(t.storeId, t.receivedAt)],
);
