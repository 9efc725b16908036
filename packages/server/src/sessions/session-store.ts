import type { Kysely } from 'kysely';
import type { AuthenticationSettings } from '@portalkit/core';
import type { Database, SessionRow } from '../storage/database.js';
import { HOUR, MINUTE } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { hashSecret, newSecret } from '../util/secrets.js';

/** A session as the server holds it. The token is the cookie value and is never stored. */
export interface NewSession {
  readonly token: string;
  readonly idHash: string;
  readonly expiresAt: number;
}

export type SessionEndReason = 'sign-out' | 'password-change' | 'password-reset' | 'expired' | 'revoked';

/** Idle sessions are touched at most this often, so reading a session is not a write per request. */
const TOUCH_GRANULARITY_MS = MINUTE;

/**
 * Server-side sessions: a 256-bit random token in the cookie, its SHA-256 in the database, an idle
 * and an absolute expiry. A new session (new token) at every sign-in, so a token planted before
 * sign-in (fixation) is worthless.
 */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly settings: () => AuthenticationSettings['session'],
  ) {}

  async create(contactId: string, client: { ip?: string; userAgent?: string | undefined }): Promise<NewSession> {
    const token = newSecret();
    const idHash = hashSecret(token);
    const now = this.clock.now();
    const expiresAt = now + this.settings().absoluteHours * HOUR;
    await this.db
      .insertInto('pk_sessions')
      .values({
        id_hash: idHash,
        contact_id: contactId,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ip: client.ip ?? null,
        user_agent: client.userAgent?.slice(0, 256) ?? null,
        ended_at: null,
        end_reason: null,
      })
      .execute();
    return { token, idHash, expiresAt };
  }

  /**
   * The live session for a cookie token, or undefined (unknown, ended, idle too long, or past its
   * absolute expiry). A visitor's request counts as activity and keeps the session from idling out;
   * background traffic (`touch: false`: permission-set revalidation, the event stream) does not, or an
   * open tab would keep a session alive forever.
   */
  async resolve(token: string, options: { touch?: boolean } = {}): Promise<SessionRow | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const session = await this.live(hashSecret(token));
    if (session && options.touch !== false && this.clock.now() - Number(session.last_seen_at) >= TOUCH_GRANULARITY_MS) {
      await this.db.updateTable('pk_sessions').set({ last_seen_at: this.clock.now() }).where('id_hash', '=', session.id_hash).execute();
    }
    return session;
  }

  /** The session by its stored hash if it is live, without touching it; ends it when it has expired. */
  async live(idHash: string): Promise<SessionRow | undefined> {
    const session = await this.db.selectFrom('pk_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!session || session.ended_at !== null) return undefined;
    const now = this.clock.now();
    const idleDeadline = Number(session.last_seen_at) + this.settings().idleMinutes * MINUTE;
    if (now >= Number(session.expires_at) || now >= idleDeadline) {
      await this.end(idHash, 'expired');
      return undefined;
    }
    return session;
  }

  /** Ends one session; true if it was live. */
  async end(idHash: string, reason: SessionEndReason): Promise<boolean> {
    const result = await this.db
      .updateTable('pk_sessions')
      .set({ ended_at: this.clock.now(), end_reason: reason })
      .where('id_hash', '=', idHash)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Ends every live session of a contact except `keep`, in one UPDATE (a session created meanwhile
   * cannot slip between a read and the writes); returns the ended sessions' hashes.
   */
  async endAllForContact(contactId: string, reason: SessionEndReason, keep?: string): Promise<string[]> {
    let update = this.db
      .updateTable('pk_sessions')
      .set({ ended_at: this.clock.now(), end_reason: reason })
      .where('contact_id', '=', contactId)
      .where('ended_at', 'is', null);
    if (keep !== undefined) update = update.where('id_hash', '!=', keep);
    return (await update.returning('id_hash').execute()).map((row) => row.id_hash);
  }
}
