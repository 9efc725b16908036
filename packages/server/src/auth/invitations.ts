import type { ServerContext } from '../app/context.js';
import { Problem } from '../http/problem.js';
import type { PortalModel } from '@portalkit/core';
import type { Kysely } from 'kysely';
import { loginKey } from '../contacts/contacts.js';
import type { Database } from '../storage/database.js';
import { DAY } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { hashSecret, newSecret } from '../util/secrets.js';

/** What an invitation grants to the contact who redeems it. */
export interface InvitationGrant {
  readonly roles: readonly string[];
  readonly accountId?: string;
  /** A short, non-secret reference for the audit log (a prefix of the code's hash). */
  readonly reference: string;
}

export interface NewInvitation {
  /** Only a contact registering with this email may redeem it; absent: anyone holding the code. */
  readonly email?: string | undefined;
  readonly roles: readonly string[];
  readonly accountId?: string | undefined;
  /** 1 for a single invitation; more for a group invitation. */
  readonly maxRedemptions: number;
  readonly expiresInDays: number;
}

export interface CreatedInvitation {
  /** The code to hand to the invitee. Only its hash is stored: it cannot be shown again. */
  readonly code: string;
  readonly reference: string;
  readonly expiresAt: number;
}

/** Codes are `newSecret()` output: base64url. Anything else cannot match, so it is not looked up. */
const CODE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** The audit reference of a code hash: enough to correlate create and redeem, useless to redeem. */
export function invitationReference(codeHash: string): string {
  return codeHash.slice(0, 12);
}

/**
 * Invitations (DESIGN.md §1): a random code stored hashed, an expiry, a maximum number of redemptions,
 * optionally bound to one email, granting web roles and an account.
 */
export class Invitations {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async create(invitation: NewInvitation): Promise<CreatedInvitation> {
    if (!Number.isInteger(invitation.maxRedemptions) || invitation.maxRedemptions < 1) throw new RangeError('maxRedemptions must be a positive integer.');
    if (!(invitation.expiresInDays > 0)) throw new RangeError('expiresInDays must be positive.');
    const code = newSecret();
    const codeHash = hashSecret(code);
    const now = this.clock.now();
    const expiresAt = now + Math.round(invitation.expiresInDays * DAY);
    await this.db
      .insertInto('pk_invitations')
      .values({
        code_hash: codeHash,
        email_key: invitation.email ? loginKey(invitation.email) : null,
        roles: JSON.stringify([...new Set(invitation.roles)]),
        account_id: invitation.accountId ?? null,
        max_redemptions: invitation.maxRedemptions,
        redemptions: 0,
        expires_at: expiresAt,
        created_at: now,
      })
      .execute();
    return { code, reference: invitationReference(codeHash), expiresAt };
  }

  /**
   * Uses up one redemption for a contact registering with `email`, or returns undefined when the code is
   * unknown, used up, expired or bound to another email (deliberately indistinguishable). ONE conditional
   * UPDATE decides, so two concurrent registrations cannot both take the last redemption. Pass the
   * registration's transaction as `db`: if creating the contact fails, the redemption rolls back with it.
   */
  async redeem(code: string, email: string, db: Kysely<Database> = this.db): Promise<InvitationGrant | undefined> {
    if (!CODE_PATTERN.test(code)) return undefined;
    const codeHash = hashSecret(code);
    const row = await db
      .updateTable('pk_invitations')
      .set((eb) => ({ redemptions: eb('redemptions', '+', 1) }))
      .where('code_hash', '=', codeHash)
      .where((eb) => eb('redemptions', '<', eb.ref('max_redemptions')))
      .where('expires_at', '>', this.clock.now())
      .where((eb) => eb.or([eb('email_key', 'is', null), eb('email_key', '=', loginKey(email))]))
      .returning(['roles', 'account_id'])
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      roles: parseRoles(row.roles),
      ...(row.account_id !== null ? { accountId: row.account_id } : {}),
      reference: invitationReference(codeHash),
    };
  }
}

function parseRoles(json: string): string[] {
  try {
    const roles: unknown = JSON.parse(json);
    return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The invitation's roles that still exist in the configuration (it may have changed since the
 * invitation was made). The Anonymous role is never assigned: it applies to nobody signed in.
 */
export function assignableRoles(model: PortalModel, roles: readonly string[]): string[] {
  return roles.filter((role) => model.roles.names.includes(role) && role !== model.roles.anonymous);
}

/** The one answer for every unusable code (unknown, used up, expired, for another email): no oracle. */
export function invalidInvitation(detail = 'The invitation code is not valid, has expired, or has been used.'): Problem {
  return new Problem(400, 'invalid-invitation', 'Invalid invitation', detail);
}

/** Audits a redemption: which invitation (by reference, never the code) gave which roles to whom. */
export async function auditInvitationRedeemed(
  context: ServerContext,
  contactId: string,
  invitation: InvitationGrant,
  ip: string,
): Promise<void> {
  await context.audit.record({
    action: 'invitation-redeem',
    outcome: 'success',
    actor: contactId,
    subject: invitation.reference,
    ip,
    detail: { roles: invitation.roles, ...(invitation.accountId ? { accountId: invitation.accountId } : {}) },
  });
}
