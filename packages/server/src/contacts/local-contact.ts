import type { Kysely } from 'kysely';
import type { Database, ContactRow } from '../storage/database.js';
import type { Clock } from '../util/clock.js';
import type { Contacts, NewContact } from './contacts.js';

/**
 * Creates a contact with a local password credential and roles in one transaction, so a contact
 * never exists half-made. `within` runs in the same transaction (e.g. redeeming an invitation).
 */
export async function createLocalContact(
  deps: { readonly db: Kysely<Database>; readonly contacts: Contacts; readonly clock: Clock },
  contact: NewContact & { readonly roles?: readonly string[] },
  passwordHash: string,
  within?: (trx: Kysely<Database>, created: ContactRow) => Promise<void>,
): Promise<ContactRow> {
  return deps.db.transaction().execute(async (trx) => {
    const created = await deps.contacts.create(contact, trx);
    await trx
      .insertInto('pk_credentials')
      .values({ contact_id: created.id, password_hash: passwordHash, failed_attempts: 0, locked_until: null, changed_at: deps.clock.now() })
      .execute();
    for (const role of contact.roles ?? []) await deps.contacts.assignRole(created.id, role, trx);
    await within?.(trx, created);
    return created;
  });
}
