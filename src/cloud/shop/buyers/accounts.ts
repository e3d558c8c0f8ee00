/**
 * Buyer accounts in the database: creating one, signing in with a lockout counted before the
 * password is checked, and the one-time tokens mailed for verification and password reset.
 */
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { rowsOf } from '../../db/open';
import { sha256, type CloudDeps } from '../../deps';
import { decoyHash, hashPassword, verifyPassword, type Login } from './credentials';
import { shopBuyerSessions, shopBuyerTokens, shopBuyers, shopSignInFailures } from './schema';

export const MAX_FAILURES = 10;
export const LOCK_MS = 15 * 60_000;
/** Failures further apart than this from the first one counted start the count again. */
export const FAILURE_WINDOW_MS = 3600_000;
export const TOKEN_TTL_MS = { verify: 48 * 3600_000, reset: 3600_000 } as const;
export type TokenPurpose = keyof typeof TOKEN_TTL_MS;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type BuyerRow = typeof shopBuyers.$inferSelect;

const loginWhere = (orgId: string, login: Login) =>
  and(eq(shopBuyers.orgId, orgId), login.kind === 'email' ? eq(shopBuyers.email, login.value) : eq(shopBuyers.phone, login.value));

export async function findBuyer(deps: CloudDeps, orgId: string, login: Login): Promise<BuyerRow | null> {
  const [row] = await deps.db.select().from(shopBuyers).where(loginWhere(orgId, login)).limit(1);
  return row ?? null;
}

export async function buyerById(deps: CloudDeps, orgId: string, id: string): Promise<BuyerRow | null> {
  const [row] = await deps.db
    .select()
    .from(shopBuyers)
    .where(and(eq(shopBuyers.orgId, orgId), eq(shopBuyers.id, id)))
    .limit(1);
  return row ?? null;
}

/** The new account's id, or null when the email or number is already an account of this organisation. */
export async function createBuyer(
  deps: CloudDeps,
  input: { orgId: string; login: Login; name: string; password: string },
): Promise<string | null> {
  const passwordHash = await hashPassword(input.password, deps.buyerPasswordParams);
  const id = deps.ids();
  // The partial unique indexes decide a race between two sign-ups with one address.
  const rows = await deps.db
    .insert(shopBuyers)
    .values({
      id,
      orgId: input.orgId,
      email: input.login.kind === 'email' ? input.login.value : null,
      phone: input.login.kind === 'phone' ? input.login.value : null,
      name: input.name,
      passwordHash,
      emailVerifiedAt: null,
      createdAt: deps.clock(),
    })
    .onConflictDoNothing()
    .returning({ id: shopBuyers.id });
  return rows[0]?.id ?? null;
}

const failureKey = (login: Login) => `${login.kind}:${login.value}`;

/**
 * Counts an attempt as a failure before the password is checked, in one statement (a row lock on
 * PostgreSQL), so sign-ins racing each other each take a slot. The count starts again after a
 * lock, or when the first failure counted is older than the window. Null while the identifier is locked.
 */
async function reserveAttempt(deps: CloudDeps, orgId: string, key: string, now: number): Promise<{ failed: number } | null> {
  const fresh = sql`(f.locked_until IS NOT NULL OR f.first_failed_at <= ${now - FAILURE_WINDOW_MS}::bigint)`;
  const [row] = await rowsOf<{ failed: number }>(
    deps.db,
    sql`INSERT INTO shop_sign_in_failures AS f (org_id, identifier, failed, first_failed_at, locked_until)
        VALUES (${orgId}, ${key}, 1, ${now}, NULL)
        ON CONFLICT (org_id, identifier) DO UPDATE SET
          failed = CASE WHEN ${fresh} THEN 1 ELSE f.failed + 1 END,
          first_failed_at = CASE WHEN ${fresh} THEN ${now}::bigint ELSE f.first_failed_at END,
          locked_until = CASE WHEN (CASE WHEN ${fresh} THEN 1 ELSE f.failed + 1 END) >= ${MAX_FAILURES}
                              THEN ${now + LOCK_MS}::bigint ELSE NULL END
        WHERE f.locked_until IS NULL OR f.locked_until <= ${now}
        RETURNING f.failed`,
  );
  return row ? { failed: Number(row.failed) } : null;
}

async function lockedUntil(deps: CloudDeps, orgId: string, key: string): Promise<number | null> {
  const [row] = await deps.db
    .select({ lockedUntil: shopSignInFailures.lockedUntil })
    .from(shopSignInFailures)
    .where(and(eq(shopSignInFailures.orgId, orgId), eq(shopSignInFailures.identifier, key)));
  return row?.lockedUntil ?? null;
}

export async function clearFailures(deps: CloudDeps, orgId: string, logins: Login[]): Promise<void> {
  if (logins.length === 0) return;
  await deps.db
    .delete(shopSignInFailures)
    .where(and(eq(shopSignInFailures.orgId, orgId), or(...logins.map((l) => eq(shopSignInFailures.identifier, failureKey(l))))));
}

/** Forgets a batch of the organisation's failure counts that no longer count (their window and lock are over). */
async function sweepFailures(deps: CloudDeps, orgId: string, now: number): Promise<void> {
  await deps.db.execute(
    sql`DELETE FROM shop_sign_in_failures WHERE org_id = ${orgId} AND identifier IN (
          SELECT identifier FROM shop_sign_in_failures
          WHERE org_id = ${orgId} AND COALESCE(locked_until, first_failed_at + ${FAILURE_WINDOW_MS}::bigint) < ${now}::bigint
          LIMIT 100 FOR UPDATE SKIP LOCKED)`,
  );
}

export type SignInResult = { ok: true; buyer: BuyerRow } | { ok: false; reason: 'wrong' } | { ok: false; reason: 'locked'; until: number };

/**
 * One answer for an unknown account and a wrong password (and the same time spent: an unknown
 * account is checked against a decoy hash). After 10 failures within an hour the identifier is
 * locked for 15 minutes, whoever owns it; a right password during the lock is refused too.
 */
export async function signIn(deps: CloudDeps, orgId: string, login: Login, password: string): Promise<SignInResult> {
  const now = deps.clock();
  const key = failureKey(login);
  const slot = await reserveAttempt(deps, orgId, key, now);
  if (!slot) return { ok: false, reason: 'locked', until: (await lockedUntil(deps, orgId, key)) ?? now + LOCK_MS };
  const buyer = await findBuyer(deps, orgId, login);
  const ok = await verifyPassword(password, buyer?.passwordHash ?? decoyHash(deps.buyerPasswordParams), deps.buyerPasswordParams);
  if (!ok || !buyer) {
    if (slot.failed >= MAX_FAILURES) return { ok: false, reason: 'locked', until: (await lockedUntil(deps, orgId, key)) ?? now + LOCK_MS };
    return { ok: false, reason: 'wrong' };
  }
  await clearFailures(deps, orgId, [login]);
  await sweepFailures(deps, orgId, now);
  return { ok: true, buyer };
}

/** A one-time token for a mailed link; only its hash is kept. Older unused links of the same purpose stop working. */
export async function issueToken(deps: CloudDeps, buyerId: string, email: string, purpose: TokenPurpose): Promise<string> {
  const now = deps.clock();
  const token = deps.randomBytes(32).toString('base64url');
  await deps.db.transaction(async (tx) => {
    await tx.delete(shopBuyerTokens).where(and(eq(shopBuyerTokens.buyerId, buyerId), lt(shopBuyerTokens.expiresAt, now)));
    await tx
      .update(shopBuyerTokens)
      .set({ usedAt: now })
      .where(and(eq(shopBuyerTokens.buyerId, buyerId), eq(shopBuyerTokens.purpose, purpose), isNull(shopBuyerTokens.usedAt)));
    await tx
      .insert(shopBuyerTokens)
      .values({ tokenHash: sha256(token), buyerId, purpose, email, createdAt: now, expiresAt: now + TOKEN_TTL_MS[purpose] });
  });
  return token;
}

/** The account a live token (unused, unexpired, for the account's current email, in this organisation) belongs to. */
export async function peekToken(deps: CloudDeps, orgId: string, token: string, purpose: TokenPurpose): Promise<BuyerRow | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [row] = await deps.db
    .select({ buyer: shopBuyers })
    .from(shopBuyerTokens)
    .innerJoin(shopBuyers, eq(shopBuyers.id, shopBuyerTokens.buyerId))
    .where(
      and(
        eq(shopBuyerTokens.tokenHash, sha256(token)),
        eq(shopBuyerTokens.purpose, purpose),
        isNull(shopBuyerTokens.usedAt),
        gt(shopBuyerTokens.expiresAt, deps.clock()),
        eq(shopBuyers.orgId, orgId),
        eq(shopBuyers.email, shopBuyerTokens.email),
      ),
    )
    .limit(1);
  return row?.buyer ?? null;
}

type Tx = Parameters<Parameters<CloudDeps['db']['transaction']>[0]>[0];

/** Spends a token in the caller's transaction: one UPDATE, so two requests with one link cannot both pass. */
async function spendToken(tx: Tx, orgId: string, token: string, purpose: TokenPurpose, now: number): Promise<BuyerRow | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [spent] = await tx
    .update(shopBuyerTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(shopBuyerTokens.tokenHash, sha256(token)),
        eq(shopBuyerTokens.purpose, purpose),
        isNull(shopBuyerTokens.usedAt),
        gt(shopBuyerTokens.expiresAt, now),
      ),
    )
    .returning({ buyerId: shopBuyerTokens.buyerId, email: shopBuyerTokens.email });
  if (!spent) return null;
  const [buyer] = await tx
    .select()
    .from(shopBuyers)
    .where(and(eq(shopBuyers.id, spent.buyerId), eq(shopBuyers.orgId, orgId), eq(shopBuyers.email, spent.email)))
    .for('update');
  return buyer ?? null;
}

/** Marks the account's email verified; false when the link is not (or no longer) good. */
export async function verifyEmail(deps: CloudDeps, orgId: string, token: string): Promise<boolean> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const buyer = await spendToken(tx, orgId, token, 'verify', now);
    if (!buyer) return false;
    if (buyer.emailVerifiedAt === null) await tx.update(shopBuyers).set({ emailVerifiedAt: now }).where(eq(shopBuyers.id, buyer.id));
    return true;
  });
}

/**
 * Sets a new password from a reset link: the link is spent, every session of the account ends,
 * the email counts as verified (the link reached it) and the sign-in lock is lifted. The
 * account, or null when the link is not (or no longer) good; nothing is written then.
 */
export async function resetPassword(deps: CloudDeps, orgId: string, token: string, password: string): Promise<BuyerRow | null> {
  const passwordHash = await hashPassword(password, deps.buyerPasswordParams);
  const now = deps.clock();
  const buyer = await deps.db.transaction(async (tx) => {
    const b = await spendToken(tx, orgId, token, 'reset', now);
    if (!b) return null;
    await tx
      .update(shopBuyers)
      .set({ passwordHash, emailVerifiedAt: b.emailVerifiedAt ?? now })
      .where(eq(shopBuyers.id, b.id));
    await tx.delete(shopBuyerSessions).where(eq(shopBuyerSessions.buyerId, b.id));
    await tx
      .update(shopBuyerTokens)
      .set({ usedAt: now })
      .where(and(eq(shopBuyerTokens.buyerId, b.id), eq(shopBuyerTokens.purpose, 'reset'), isNull(shopBuyerTokens.usedAt)));
    return b;
  });
  if (!buyer) return null;
  const logins: Login[] = [];
  if (buyer.email) logins.push({ kind: 'email', value: buyer.email });
  if (buyer.phone) logins.push({ kind: 'phone', value: buyer.phone });
  await clearFailures(deps, orgId, logins);
  return buyer;
}

/** A signed-in buyer's new password: every session of the account ends (the caller starts a new one). */
export async function changePassword(deps: CloudDeps, buyerId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password, deps.buyerPasswordParams);
  await deps.db.transaction(async (tx) => {
    await tx.update(shopBuyers).set({ passwordHash }).where(eq(shopBuyers.id, buyerId));
    await tx.delete(shopBuyerSessions).where(eq(shopBuyerSessions.buyerId, buyerId));
    await tx
      .update(shopBuyerTokens)
      .set({ usedAt: deps.clock() })
      .where(and(eq(shopBuyerTokens.buyerId, buyerId), eq(shopBuyerTokens.purpose, 'reset'), isNull(shopBuyerTokens.usedAt)));
  });
}

export async function renameBuyer(deps: CloudDeps, buyerId: string, name: string): Promise<void> {
  await deps.db.update(shopBuyers).set({ name }).where(eq(shopBuyers.id, buyerId));
}
