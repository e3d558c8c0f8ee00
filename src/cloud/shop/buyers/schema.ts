/**
 * Buyer accounts: the cloud's own tables, apart from staff and from the synced records. An account
 * belongs to an organisation (one sign-in for all its stores' shops). Secrets are kept only as
 * hashes: the password as scrypt, session and mail tokens as sha256.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { orgs, stores } from '../../db/schema';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const shopBuyers = pgTable(
  'shop_buyers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    /** Trimmed and lower-cased; null for an account made with a mobile number only. */
    email: text('email'),
    /** Digits only (a leading + dropped); null for an account made with an email only. */
    phone: text('phone'),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    emailVerifiedAt: ms('email_verified_at'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('shop_buyers_email_uq')
      .on(t.orgId, t.email)
      .where(sql`${t.email} IS NOT NULL`),
    uniqueIndex('shop_buyers_phone_uq')
      .on(t.orgId, t.phone)
      .where(sql`${t.phone} IS NOT NULL`),
  ],
);

export const shopBuyerSessions = pgTable(
  'shop_buyer_sessions',
  {
    /** sha256 of the cookie's token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    buyerId: uuid('buyer_id')
      .notNull()
      .references(() => shopBuyers.id, { onDelete: 'cascade' }),
    /** The shop the buyer signed in at (the cookie's path is that shop's). */
    storeId: uuid('store_id').references(() => stores.id),
    createdAt: ms('created_at').notNull(),
    /** Sliding: pushed forward as the buyer comes back. */
    expiresAt: ms('expires_at').notNull(),
    lastSeen: ms('last_seen').notNull(),
  },
  (t) => [index('shop_buyer_sessions_buyer_idx').on(t.buyerId), index('shop_buyer_sessions_expiry_idx').on(t.expiresAt)],
);

export const shopBuyerTokens = pgTable(
  'shop_buyer_tokens',
  {
    /** sha256 of the token mailed in a link. */
    tokenHash: text('token_hash').primaryKey(),
    buyerId: uuid('buyer_id')
      .notNull()
      .references(() => shopBuyers.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['verify', 'reset'] }).notNull(),
    /** The address the link was mailed to: a link for an address the account no longer has does nothing. */
    email: text('email').notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    usedAt: ms('used_at'),
  },
  (t) => [index('shop_buyer_tokens_buyer_idx').on(t.buyerId, t.purpose)],
);

/**
 * Failed sign-ins per organisation and typed identifier (not per account, so an unknown address
 * locks exactly like a known one and the lock tells nothing about who has an account).
 */
export const shopSignInFailures = pgTable(
  'shop_sign_in_failures',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    identifier: text('identifier').notNull(),
    failed: integer('failed').notNull().default(0),
    /** Failures count within a window from the first: a typo a month never adds up to a lock. */
    firstFailedAt: ms('first_failed_at').notNull(),
    lockedUntil: ms('locked_until'),
  },
  (t) => [primaryKey({ name: 'shop_sign_in_failures_pk', columns: [t.orgId, t.identifier] })],
);

/** The buyer's address book (fields as in src/shared/address.ts, checked per country). */
export const shopAddresses = pgTable(
  'shop_addresses',
  {
    id: uuid('id').primaryKey(),
    buyerId: uuid('buyer_id')
      .notNull()
      .references(() => shopBuyers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    company: text('company'),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code').notNull(),
    /** ISO 3166-1 alpha-2. */
    country: text('country').notNull(),
    phone: text('phone'),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('shop_addresses_buyer_idx').on(t.buyerId),
    uniqueIndex('shop_addresses_default_uq')
      .on(t.buyerId)
      .where(sql`${t.isDefault}`),
  ],
);
