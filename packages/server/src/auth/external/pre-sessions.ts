import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { SessionCookiePolicy } from '../../sessions/session-cookie.js';
import type { Database } from '../../storage/database.js';
import type { Clock } from '../../util/clock.js';
import { MINUTE } from '../../util/clock.js';
import { hashSecret, newSecret } from '../../util/secrets.js';

/** How long a visitor has to come back from the provider. */
export const PRE_SESSION_LIFETIME_MS = 10 * MINUTE;

/** A pre-session as `begin` hands it out: the cookie's secret and the nonce the provider must echo. */
export interface NewPreSession {
  readonly token: string;
  readonly nonce: string;
  readonly expiresAt: number;
}

/** A pre-session taken by `consume`: it can never be taken again. */
export interface ConsumedPreSession {
  readonly nonce: string;
  readonly createdAt: number;
}

/** Why no pre-session could be consumed (for the audit log only). */
export type PreSessionFailure = 'pre-session-missing' | 'pre-session-unknown' | 'pre-session-consumed' | 'pre-session-expired' | 'pre-session-other-provider';

/**
 * Pre-sessions bind an external sign-in to the browser that started it. `begin` stores a random nonce
 * under the hash of a secret that only that browser holds (an HttpOnly cookie); the provider puts the
 * nonce in the ID token; `exchange` consumes the pre-session and accepts only a token carrying its
 * nonce. So a token stolen from elsewhere, or replayed, or injected into another browser, does not
 * sign anyone in.
 */
export class PreSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async begin(provider: string): Promise<NewPreSession> {
    const now = this.clock.now();
    // Anyone may begin, so expired rows are swept here rather than left to pile up.
    await this.db.deleteFrom('pk_presessions').where('expires_at', '<=', now).execute();
    const token = newSecret();
    const nonce = newSecret();
    const expiresAt = now + PRE_SESSION_LIFETIME_MS;
    await this.db
      .insertInto('pk_presessions')
      .values({ id_hash: hashSecret(token), provider, nonce, created_at: now, expires_at: expiresAt, consumed_at: null })
      .execute();
    return { token, nonce, expiresAt };
  }

  /**
   * Takes the pre-session for `provider` with ONE conditional UPDATE (unconsumed, unexpired, same
   * provider), so two concurrent exchanges cannot both use it: whoever loses gets a failure.
   */
  async consume(token: string | undefined, provider: string): Promise<ConsumedPreSession | PreSessionFailure> {
    if (token === undefined) return 'pre-session-missing';
    const idHash = hashSecret(token);
    const now = this.clock.now();
    const taken = await this.db
      .updateTable('pk_presessions')
      .set({ consumed_at: now })
      .where('id_hash', '=', idHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .where('provider', '=', provider)
      .returning(['nonce', 'created_at'])
      .executeTakeFirst();
    if (taken) return { nonce: taken.nonce, createdAt: Number(taken.created_at) };
    // Only to say why in the audit log; nothing is written after this read.
    const row = await this.db.selectFrom('pk_presessions').select(['provider', 'consumed_at', 'expires_at']).where('id_hash', '=', idHash).executeTakeFirst();
    if (!row) return 'pre-session-unknown';
    if (row.consumed_at !== null) return 'pre-session-consumed';
    if (Number(row.expires_at) <= now) return 'pre-session-expired';
    return 'pre-session-other-provider';
  }
}

/** `__Host-` prefixed like the session cookie whenever the deployment is secure. */
export function preSessionCookieName(policy: SessionCookiePolicy): string {
  return policy.secure ? '__Host-portalkit-presession' : 'portalkit-presession';
}

export function readPreSessionToken(request: FastifyRequest, policy: SessionCookiePolicy): string | undefined {
  const value = request.cookies[preSessionCookieName(policy)];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export function setPreSessionCookie(reply: FastifyReply, policy: SessionCookiePolicy, token: string): void {
  reply.setCookie(preSessionCookieName(policy), token, {
    httpOnly: true,
    secure: policy.secure,
    sameSite: 'lax',
    path: '/',
    maxAge: PRE_SESSION_LIFETIME_MS / 1000,
  });
}

export function clearPreSessionCookie(reply: FastifyReply, policy: SessionCookiePolicy): void {
  reply.clearCookie(preSessionCookieName(policy), { httpOnly: true, secure: policy.secure, sameSite: 'lax', path: '/' });
}
