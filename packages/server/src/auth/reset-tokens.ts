import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import { MINUTE } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { hashSecret, newSecret } from '../util/secrets.js';

/** Tokens are `newSecret()` output; anything else cannot match and is not looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Password-reset tokens: 256 random bits, mailed to the contact, stored only as a hash, short-lived
 * and single use.
 */
export class ResetTokens {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async issue(contactId: string, lifetimeMinutes: number): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret();
    const now = this.clock.now();
    const expiresAt = now + lifetimeMinutes * MINUTE;
    await this.db
      .insertInto('pk_reset_tokens')
      .values({ token_hash: hashSecret(token), contact_id: contactId, created_at: now, expires_at: expiresAt, used_at: null })
      .execute();
    return { token, expiresAt };
  }

  /** The contact of a token that is still usable, without using it (a cheap check before hashing a password). */
  async peek(token: string): Promise<string | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const row = await this.db
      .selectFrom('pk_reset_tokens')
      .select('contact_id')
      .where('token_hash', '=', hashSecret(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row?.contact_id;
  }

  /**
   * Uses a token: ONE conditional UPDATE (unused and unexpired), so a token works exactly once even
   * when two confirmations race. Returns its contact, or undefined.
   */
  async consume(token: string, db: Kysely<Database> = this.db): Promise<string | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const now = this.clock.now();
    const row = await db
      .updateTable('pk_reset_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hashSecret(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('contact_id')
      .executeTakeFirst();
    return row?.contact_id;
  }

  /** Retires a contact's other outstanding tokens (after a reset, older mails must stop working). */
  async revokeAll(contactId: string, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .updateTable('pk_reset_tokens')
      .set({ used_at: this.clock.now() })
      .where('contact_id', '=', contactId)
      .where('used_at', 'is', null)
      .execute();
  }
}
