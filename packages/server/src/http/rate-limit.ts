import { isIPv6 } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { Clock } from '../util/clock.js';
import { MINUTE } from '../util/clock.js';
import { Problem } from './problem.js';

/** At most `max` requests per fixed window of `windowSeconds`. */
export interface RateLimit {
  readonly max: number;
  readonly windowSeconds: number;
}

/** The limits on the identity routes that an attacker would hammer (DESIGN.md §2). */
export interface RateLimitPolicy {
  /** Sign-in attempts from one client address (password spraying over many logins). */
  readonly signInPerIp: RateLimit;
  /** Sign-in attempts against one login (guessing one contact's password; lockout also applies). */
  readonly signInPerLogin: RateLimit;
  /** Registrations from one client address (mass account creation; each one costs a password hash). */
  readonly registerPerIp: RateLimit;
  /** Reset requests from one client address. */
  readonly resetRequestPerIp: RateLimit;
  /** Reset requests for one email address (mail bombing a contact). */
  readonly resetRequestPerEmail: RateLimit;
  /** External sign-in starts from one client address (each stores a pre-session row). */
  readonly externalBeginPerIp: RateLimit;
}

/**
 * What production gets. Generous enough for people behind one NAT (an office), tight enough that an
 * online guess costs minutes per dozen tries; lockout (per contact) adds its own, stricter bound.
 */
export const DEFAULT_RATE_LIMITS: RateLimitPolicy = Object.freeze({
  signInPerIp: { max: 30, windowSeconds: 60 },
  signInPerLogin: { max: 10, windowSeconds: 60 },
  registerPerIp: { max: 10, windowSeconds: 60 * 60 },
  resetRequestPerIp: { max: 10, windowSeconds: 15 * 60 },
  resetRequestPerEmail: { max: 3, windowSeconds: 15 * 60 },
  externalBeginPerIp: { max: 30, windowSeconds: 60 },
});

/** The longest window a limit may have; rows older than this are pruned. */
const MAX_WINDOW_SECONDS = 24 * 60 * 60;
/** Pruning is a table scan on `window_start`; once every few minutes per process is plenty. */
const PRUNE_INTERVAL_MS = 5 * MINUTE;

/** The defaults with some limits replaced (tests, or an embedder with other needs); each checked. */
export function rateLimitPolicy(overrides: Partial<RateLimitPolicy> = {}): RateLimitPolicy {
  const policy: RateLimitPolicy = { ...DEFAULT_RATE_LIMITS, ...overrides };
  for (const [name, limit] of Object.entries(policy) as Array<[string, RateLimit]>) {
    if (!Number.isInteger(limit.max) || limit.max < 1) throw new RangeError(`Rate limit ${name}: max must be a positive integer.`);
    if (!Number.isInteger(limit.windowSeconds) || limit.windowSeconds < 1 || limit.windowSeconds > MAX_WINDOW_SECONDS) {
      throw new RangeError(`Rate limit ${name}: windowSeconds must be an integer from 1 to ${MAX_WINDOW_SECONDS}.`);
    }
  }
  return policy;
}

/** The outcome of counting one request. */
export interface RateLimitResult {
  readonly allowed: boolean;
  /** Requests counted in the current window, this one included. */
  readonly count: number;
  /** Seconds until the current window ends (at least 1). */
  readonly retryAfterSeconds: number;
}

/**
 * Fixed-window counters kept in the database (`pk_rate_limits`), not in memory, so a limit holds across
 * processes and instances behind a load balancer. Each request is counted with one atomic upsert, so
 * concurrent requests can never both read the same count.
 */
export class RateLimiter {
  #nextPruneAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Counts one request against `key` and says whether it is within `limit`. */
  async hit(key: string, limit: RateLimit): Promise<RateLimitResult> {
    const now = this.clock.now();
    const windowMs = limit.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const row = await this.db
      .insertInto('pk_rate_limits')
      .values({ key, window_start: windowStart, count: 1 })
      .onConflict((conflict) =>
        conflict.columns(['key', 'window_start']).doUpdateSet((eb) => ({ count: eb('pk_rate_limits.count', '+', 1) })),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    await this.#pruneOccasionally(now);
    const count = Number(row.count);
    return {
      allowed: count <= limit.max,
      count,
      retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)),
    };
  }

  /** Counts one request and throws 429 `rate-limited` (with `Retry-After`) when it is over the limit. */
  async enforce(key: string, limit: RateLimit): Promise<void> {
    const result = await this.hit(key, limit);
    if (!result.allowed) {
      throw new Problem(429, 'rate-limited', 'Too many requests', `Too many attempts; try again in ${result.retryAfterSeconds} seconds.`, {
        retryAfterSeconds: result.retryAfterSeconds,
      });
    }
  }

  async #pruneOccasionally(now: number): Promise<void> {
    if (now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + PRUNE_INTERVAL_MS;
    await this.db.deleteFrom('pk_rate_limits').where('window_start', '<', now - MAX_WINDOW_SECONDS * 1000).execute();
  }
}

/**
 * The part of a client address a per-address limit counts: the whole IPv4 address, or the /64 prefix
 * of an IPv6 address (one subscriber usually holds a whole /64, so counting single addresses there
 * would let them rotate past any limit).
 */
export function clientAddressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = ip.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The limiter and the limits the identity routes share. */
export interface RateLimiting {
  readonly limiter: RateLimiter;
  readonly limits: RateLimitPolicy;
}
