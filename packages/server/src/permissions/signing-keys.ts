import { performance } from 'node:perf_hooks';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { Clock } from '../util/clock.js';
import { MINUTE } from '../util/clock.js';

/** The one algorithm permission sets are signed with. */
export const SIGNING_ALGORITHM = 'ES256';

/**
 * Added to a retired key's publication window. It covers clock differences between processes and the
 * few seconds other server processes keep signing with a key after a CLI rotation (see
 * {@link ACTIVE_KEY_RECHECK_MS}), so every set they issued still verifies until it expires.
 */
export const RETIREMENT_SKEW_MS = MINUTE;

/**
 * How long a server trusts its idea of the active key before asking the database again: a rotation
 * made by `portalkit keys rotate` in another process is picked up within this time, without a restart.
 * Measured on a monotonic clock, not the injectable one: it is a cache lifetime, not a business time.
 */
export const ACTIVE_KEY_RECHECK_MS = 2_000;

/** The key permission sets are signed with now. */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

/** A public key as `/.well-known/jwks.json` publishes it. Built member by member: never a private one. */
export interface PublishedJwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: typeof SIGNING_ALGORITHM;
  readonly use: 'sig';
}

export interface RotationResult {
  /** The new active key. */
  readonly kid: string;
  /** Keys retired by this rotation; published until `publishUntil`. */
  readonly retired: readonly string[];
  readonly publishUntil: number;
}

/**
 * The permission-set signing keys in `pk_signing_keys`: ES256 pairs whose `kid` is the JWK thumbprint.
 * Exactly one key is active (not retired); `rotate` makes a new one active and retires the others,
 * which stay published until the last set they signed has expired. The table is the only state, so the
 * server, the CLI and other instances agree without talking to each other.
 */
export class SigningKeys {
  #active: { readonly key: ActiveSigningKey; readonly checkedAt: number } | undefined;
  #refreshing: Promise<ActiveSigningKey> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    /** The permission-set lifetime in force (it bounds how long a retired key must stay published). */
    private readonly permissionSetMinutes: () => number,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  /**
   * Makes sure an active key exists (first start) and returns its kid. Safe when several processes
   * start at once: a unique index admits one active key (migration 0004), so every insert but one
   * fails, and all read the same winner.
   */
  async ensureActiveKey(): Promise<string> {
    const existing = await this.#activeKid();
    if (existing) return existing;
    const row = await newKeyRow(this.clock.now());
    try {
      await this.db.insertInto('pk_signing_keys').values(row).execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const winner = await this.#activeKid();
    if (!winner) throw new Error('No active signing key after creating one.');
    return winner;
  }

  /**
   * The key to sign with. Cached, re-checked with one indexed query at most every
   * {@link ACTIVE_KEY_RECHECK_MS}; concurrent callers share one check.
   */
  async activeKey(): Promise<ActiveSigningKey> {
    const active = this.#active;
    if (active && this.monotonicNow() - active.checkedAt < ACTIVE_KEY_RECHECK_MS) return active.key;
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** The public keys to publish: the active key and retired keys still inside their window. */
  async publishedKeys(): Promise<PublishedJwk[]> {
    const now = this.clock.now();
    const rows = await this.db
      .selectFrom('pk_signing_keys')
      .select(['kid', 'public_jwk', 'created_at', 'retired_at'])
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('publish_until', '>', now)]))
      .execute();
    // The active key first, then the most recently retired.
    rows.sort(
      (a, b) =>
        Number(a.retired_at !== null) - Number(b.retired_at !== null) ||
        Number(b.retired_at ?? 0) - Number(a.retired_at ?? 0) ||
        Number(b.created_at) - Number(a.created_at),
    );
    return rows.map((row) => publicMembers(row.kid, JSON.parse(row.public_jwk) as JWK));
  }

  /**
   * Creates a new active key and retires every other one (published until now + the permission-set
   * lifetime + {@link RETIREMENT_SKEW_MS}). Retired keys whose window has passed are deleted, so
   * private keys that no longer serve anything do not linger.
   */
  async rotate(): Promise<RotationResult> {
    const now = this.clock.now();
    const publishUntil = now + this.permissionSetMinutes() * MINUTE + RETIREMENT_SKEW_MS;
    const row = await newKeyRow(now);
    const retired = await this.db.transaction().execute(async (trx) => {
      const previous = await trx.selectFrom('pk_signing_keys').select('kid').where('retired_at', 'is', null).execute();
      // Retire first, then insert: the database admits one active key at a time.
      await trx
        .updateTable('pk_signing_keys')
        .set({ retired_at: now, publish_until: publishUntil })
        .where('retired_at', 'is', null)
        .execute();
      await trx.insertInto('pk_signing_keys').values(row).execute();
      await trx.deleteFrom('pk_signing_keys').where('retired_at', 'is not', null).where('publish_until', '<=', now).execute();
      return previous.map((key) => key.kid);
    });
    this.#active = undefined;
    return { kid: row.kid, retired, publishUntil };
  }

  async #refresh(): Promise<ActiveSigningKey> {
    const kid = (await this.#activeKid()) ?? (await this.ensureActiveKey());
    const checkedAt = this.monotonicNow();
    let key = this.#active?.key;
    if (key?.kid !== kid) {
      const row = await this.db.selectFrom('pk_signing_keys').select('private_jwk').where('kid', '=', kid).executeTakeFirstOrThrow();
      const privateKey = await importJWK(JSON.parse(row.private_jwk) as JWK, SIGNING_ALGORITHM);
      key = { kid, privateKey: privateKey as CryptoKey };
    }
    this.#active = { key, checkedAt };
    return key;
  }

  /** The active kid (one at most, by the unique index; ordered anyway so any reader agrees). */
  async #activeKid(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('pk_signing_keys')
      .select('kid')
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.kid;
  }
}

/** A fresh ES256 key pair as a table row; its kid is the RFC 7638 thumbprint of the public key. */
async function newKeyRow(now: number): Promise<Database['pk_signing_keys']> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: SIGNING_ALGORITHM,
    private_jwk: JSON.stringify(await exportJWK(privateKey)),
    public_jwk: JSON.stringify(publicMembers(kid, publicJwk)),
    created_at: now,
    retired_at: null,
    publish_until: null,
  };
}

/** Only the public members of an EC key, whatever the stored JWK holds. */
function publicMembers(kid: string, jwk: JWK): PublishedJwk {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw new Error(`Signing key ${kid} is not a P-256 public key.`);
  }
  return { kty, crv, x, y, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

/** A unique-constraint failure on SQLite (better-sqlite3) or PostgreSQL (pg's SQLSTATE 23505). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
