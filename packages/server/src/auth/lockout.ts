import type { ExpressionBuilder, Kysely } from 'kysely';
import type { AuthenticationSettings } from '@portalkit/core';
import type { Database } from '../storage/database.js';
import { MINUTE } from '../util/clock.js';

type Credentials = ExpressionBuilder<Database, 'pk_credentials'>;

/** True while a lockout is in force. */
export function isLocked(credential: { readonly locked_until: number | null }, now: number): boolean {
  return credential.locked_until !== null && Number(credential.locked_until) > now;
}

/** What counting a failed attempt did. */
export interface FailedAttempt {
  /** False when the account was locked already (failures during a lockout are not counted). */
  readonly counted: boolean;
  /** True when this very failure reached the threshold and started a lockout. */
  readonly lockedNow: boolean;
  readonly lockedUntil?: number;
}

/**
 * Counts a wrong password in ONE conditional UPDATE, so concurrent guesses can never read the same
 * count and all slip under the threshold. An expired lockout restarts the count at this failure; a
 * running lockout is not extended nor counted (the WHERE clause skips it).
 */
export async function recordFailedAttempt(
  db: Kysely<Database>,
  contactId: string,
  now: number,
  settings: AuthenticationSettings['lockout'],
): Promise<FailedAttempt> {
  const lockExpired = (eb: Credentials) => eb.and([eb('locked_until', 'is not', null), eb('locked_until', '<=', now)]);
  const nextCount = (eb: Credentials) =>
    eb.case().when(lockExpired(eb)).then(1).else(eb('failed_attempts', '+', 1)).end();
  const row = await db
    .updateTable('pk_credentials')
    .set((eb) => ({
      failed_attempts: nextCount(eb),
      locked_until: eb
        .case()
        .when(nextCount(eb), '>=', settings.maxFailedAttempts)
        // Typed: PostgreSQL would otherwise resolve a CASE of an untyped parameter and NULL to text.
        .then(eb.cast<number>(eb.val(now + settings.durationMinutes * MINUTE), 'bigint'))
        .else(null)
        .end(),
    }))
    .where('contact_id', '=', contactId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirst();
  if (!row) return { counted: false, lockedNow: false };
  // The WHERE clause only matches unlocked rows, so a lock in the result was set by this update.
  return row.locked_until === null ? { counted: true, lockedNow: false } : { counted: true, lockedNow: true, lockedUntil: Number(row.locked_until) };
}

/**
 * Clears the failure count after a correct password, unless a lockout started meanwhile (a concurrent
 * failure reached the threshold): then returns false and the sign-in must be refused like any other
 * attempt during a lockout.
 */
export async function recordSuccessfulAttempt(db: Kysely<Database>, contactId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('pk_credentials')
    .set({ failed_attempts: 0, locked_until: null })
    .where('contact_id', '=', contactId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
