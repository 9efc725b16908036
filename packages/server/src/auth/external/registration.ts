import type { PortalModel, ProviderConfig, RegistrationMode } from '@portalkit/core';
import type { ServerContext } from '../../app/context.js';
import { ContactExistsError } from '../../contacts/contacts.js';
import type { NewContact } from '../../contacts/contacts.js';
import { Problem } from '../../http/problem.js';
import type { ContactRow } from '../../storage/database.js';
import { assignableRoles, invalidInvitation, Invitations } from '../invitations.js';
import type { InvitationGrant } from '../invitations.js';
import { contactFromClaims } from './claim-mapping.js';
import type { VerifiedIdToken } from './id-token.js';
import { linkIdentity } from './identity-links.js';
import type { ExternalIdentity } from './identity-links.js';

/** A refusal the visitor is told about (the problem) with the reason the audit log keeps. */
export class ExternalSignInRefused extends Error {
  override name = 'ExternalSignInRefused';
  constructor(
    readonly problem: Problem,
    readonly reason: string,
  ) {
    super(problem.detail ?? problem.title);
  }
}

/** Thrown inside the registration transaction so everything it wrote rolls back. */
class Rollback extends Error {
  constructor(readonly outcome: 'invalid-invitation' | 'identity-taken') {
    super(outcome);
  }
}

export type RegistrationOutcome =
  | { readonly kind: 'registered'; readonly contact: ContactRow; readonly invitation?: InvitationGrant }
  /** Another request linked this identity while we were registering it: sign in as that contact. */
  | { readonly kind: 'identity-taken' };

/** Whether an identity nobody is linked to may create a contact, for this provider. */
export function registrationMode(model: PortalModel, provider: ProviderConfig): RegistrationMode {
  return provider.registration ?? model.authentication.local.registration;
}

/**
 * Registers a contact for an identity no contact is linked to, as the provider's registration mode
 * allows. An email that already belongs to a contact is refused (409 `email-in-use`), never linked:
 * the provider's say-so is not proof that this visitor owns that contact. The visitor signs in locally
 * and links the provider from their profile instead. Redeeming the invitation, creating the contact,
 * its roles and the identity link happen in ONE transaction.
 */
export async function registerFromIdentity(
  context: ServerContext,
  provider: ProviderConfig,
  verified: VerifiedIdToken,
  invitationCode: string | undefined,
): Promise<RegistrationOutcome> {
  const model = context.config.model;
  const mode = registrationMode(model, provider);
  if (mode === 'closed') {
    throw new ExternalSignInRefused(
      new Problem(403, 'registration-closed', 'Registration is closed', `No contact is linked to this ${provider.displayName} account, and this site does not accept new registrations.`),
      'registration-closed',
    );
  }
  if (mode === 'invitation' && invitationCode === undefined) {
    throw new ExternalSignInRefused(invalidInvitation('This site registers by invitation only: an invitation code is required.'), 'invitation-missing');
  }

  const contact = await availableColumns(context, contactFromClaims(model, provider, verified.claims), provider);
  const identity: ExternalIdentity = { issuer: verified.issuer, subject: verified.subject, provider: provider.id };
  const invitations = new Invitations(context.db, context.clock);
  let invitation: InvitationGrant | undefined;
  try {
    const created = await context.db.transaction().execute(async (trx) => {
      if (mode === 'invitation' && invitationCode !== undefined) {
        invitation = await invitations.redeem(invitationCode, contact.email ?? '', trx);
        if (!invitation) throw new Rollback('invalid-invitation');
      }
      const row = await context.contacts.create({ ...contact, accountId: invitation?.accountId }, trx);
      for (const role of assignableRoles(model, invitation?.roles ?? [])) await context.contacts.assignRole(row.id, role, trx);
      if (!(await linkIdentity(trx, identity, row.id, context.clock.now()))) throw new Rollback('identity-taken');
      return row;
    });
    return { kind: 'registered', contact: created, ...(invitation ? { invitation } : {}) };
  } catch (error) {
    if (error instanceof Rollback && error.outcome === 'identity-taken') return { kind: 'identity-taken' };
    if (error instanceof Rollback) throw new ExternalSignInRefused(invalidInvitation(), 'invalid-invitation');
    if (error instanceof ContactExistsError) throw emailInUse(provider, `${error.field}-taken-concurrently`);
    throw error;
  }
}

/**
 * Refuses an email that belongs to another contact; drops a username someone already has (the
 * contact can choose one later), rather than refusing a sign-up over it.
 */
async function availableColumns(context: ServerContext, contact: NewContact, provider: ProviderConfig): Promise<NewContact> {
  if (contact.email !== undefined && (await context.contacts.byEmail(contact.email))) throw emailInUse(provider, 'email-in-use');
  if (contact.username !== undefined && (await context.contacts.byLogin(contact.username, 'username'))) {
    const { username: _taken, ...rest } = contact;
    return rest;
  }
  return contact;
}

function emailInUse(provider: ProviderConfig, reason: string): ExternalSignInRefused {
  return new ExternalSignInRefused(
    new Problem(
      409,
      'email-in-use',
      'Email already registered',
      `A contact with the email of this ${provider.displayName} account already exists. Sign in with that contact's password, then link ${provider.displayName} from your profile.`,
    ),
    reason,
  );
}


