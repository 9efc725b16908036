import type { Kysely } from 'kysely';
import type { Database } from '../../storage/database.js';

/** An external identity: the issuer and subject a provider vouched for, and the provider it came through. */
export interface ExternalIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly provider: string;
}

/**
 * The contact an identity is linked to. Identities are found by (issuer, subject) and nothing else:
 * never by email, which a provider may let anyone claim and which can change hands.
 */
export async function linkedContactId(db: Kysely<Database>, identity: ExternalIdentity): Promise<string | undefined> {
  const row = await db
    .selectFrom('pk_identities')
    .select('contact_id')
    .where('issuer', '=', identity.issuer)
    .where('subject', '=', identity.subject)
    .executeTakeFirst();
  return row?.contact_id;
}

/**
 * Links an identity to a contact; false when the identity is already linked (to anyone: the primary
 * key is (issuer, subject), so a concurrent link cannot make it two contacts').
 */
export async function linkIdentity(db: Kysely<Database>, identity: ExternalIdentity, contactId: string, now: number): Promise<boolean> {
  const result = await db
    .insertInto('pk_identities')
    .values({ issuer: identity.issuer, subject: identity.subject, provider: identity.provider, contact_id: contactId, created_at: now })
    .onConflict((conflict) => conflict.columns(['issuer', 'subject']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
