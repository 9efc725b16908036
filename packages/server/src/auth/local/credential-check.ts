import type { ServerContext } from '../../app/context.js';
import type { ContactRow } from '../../storage/database.js';
import { isLocked, recordFailedAttempt, recordSuccessfulAttempt } from '../lockout.js';
import { spendVerificationTime, verifyPassword } from '../passwords.js';

/** Why a password was refused; for the audit log only, never for the client. */
export type RefusalReason = 'unknown-login' | 'wrong-password' | 'locked';

export type CredentialCheck =
  | { readonly ok: true; readonly contact: ContactRow }
  | { readonly ok: false; readonly reason: RefusalReason; readonly contact?: ContactRow; readonly lockedUntil?: number };

/**
 * Checks a password for a contact (or for nobody, when the login matched no one) and keeps the lockout
 * count. Every path costs one argon2 verification, so timing does not tell an unknown login from a
 * wrong password or a locked account; a contact without a password (external sign-in only) is treated
 * as unknown. A lockout that this failure starts is audited here, once.
 */
export async function checkPassword(
  context: ServerContext,
  contact: ContactRow | undefined,
  password: string,
  client: { readonly ip: string },
): Promise<CredentialCheck> {
  const credential = contact
    ? await context.db.selectFrom('pk_credentials').select(['password_hash', 'locked_until']).where('contact_id', '=', contact.id).executeTakeFirst()
    : undefined;
  if (!contact || !credential) {
    await spendVerificationTime(password);
    return { ok: false, reason: 'unknown-login' };
  }
  // Verify even while locked: skipping it would make a locked account answer measurably faster.
  const matches = await verifyPassword(credential.password_hash, password);
  const now = context.clock.now();
  if (isLocked(credential, now)) return { ok: false, reason: 'locked', contact };
  if (matches) {
    if (await recordSuccessfulAttempt(context.db, contact.id, now)) return { ok: true, contact };
    return { ok: false, reason: 'locked', contact };
  }
  const failure = await recordFailedAttempt(context.db, contact.id, now, context.config.model.authentication.lockout);
  if (!failure.counted) return { ok: false, reason: 'locked', contact };
  if (failure.lockedNow) {
    await context.audit.record({
      action: 'lockout',
      outcome: 'success',
      subject: contact.id,
      ip: client.ip,
      detail: { until: new Date(failure.lockedUntil ?? now).toISOString() },
    });
  }
  return { ok: false, reason: 'wrong-password', contact };
}
