import type { Kysely } from 'kysely';
import type { ContactRow, Database } from '../storage/database.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/secrets.js';

/** Thrown when an email or username is already taken (case-insensitively). */
export class ContactExistsError extends Error {
  override name = 'ContactExistsError';
  constructor(readonly field: 'email' | 'username') {
    super(`A contact with this ${field} already exists.`);
  }
}

export interface NewContact {
  readonly email?: string | undefined;
  readonly username?: string | undefined;
  readonly firstname?: string | undefined;
  readonly lastname?: string | undefined;
  readonly accountId?: string | undefined;
}

/** The comparison key of an email or username: trimmed, Unicode-normalised, lower case. */
export function loginKey(value: string): string {
  return value.trim().normalize('NFKC').toLowerCase();
}

/**
 * Contacts as the identity side sees them: creation (registration, external sign-up, CLI), lookup by
 * login, role assignment. Profile columns beyond the built-ins belong to the data API.
 */
export class Contacts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Creates a contact; refuses a taken email or username. Runs inside `db` (pass a transaction to compose). */
  async create(contact: NewContact, db: Kysely<Database> = this.db): Promise<ContactRow> {
    const now = this.clock.now();
    const row: ContactRow = {
      id: newId(),
      email: contact.email?.trim() ?? null,
      email_key: contact.email ? loginKey(contact.email) : null,
      username: contact.username?.trim() ?? null,
      username_key: contact.username ? loginKey(contact.username) : null,
      firstname: contact.firstname ?? null,
      lastname: contact.lastname ?? null,
      accountid: contact.accountId ?? null,
      createdon: now,
      modifiedon: now,
      rowversion: 1,
    };
    for (const field of ['email', 'username'] as const) {
      const key = row[`${field}_key`];
      if (key !== null && (await db.selectFrom('contact').select('id').where(`${field}_key`, '=', key).executeTakeFirst())) {
        throw new ContactExistsError(field);
      }
    }
    try {
      await db.insertInto('contact').values(row).execute();
    } catch (error) {
      // A concurrent registration won the race between the check and the insert.
      if (/unique/i.test(String((error as Error).message))) throw new ContactExistsError(row.email_key ? 'email' : 'username');
      throw error;
    }
    return row;
  }

  async byId(id: string): Promise<ContactRow | undefined> {
    return this.db.selectFrom('contact').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Finds a contact by what they type in the login field, per the site's `signInWith` setting. */
  async byLogin(login: string, signInWith: 'email' | 'username' | 'emailOrUsername'): Promise<ContactRow | undefined> {
    const key = loginKey(login);
    if (key === '') return undefined;
    let query = this.db.selectFrom('contact').selectAll();
    if (signInWith === 'email') query = query.where('email_key', '=', key);
    else if (signInWith === 'username') query = query.where('username_key', '=', key);
    else query = query.where((eb) => eb.or([eb('email_key', '=', key), eb('username_key', '=', key)]));
    return query.executeTakeFirst();
  }

  async byEmail(email: string): Promise<ContactRow | undefined> {
    return this.db.selectFrom('contact').selectAll().where('email_key', '=', loginKey(email)).executeTakeFirst();
  }

  /** Assigns a role; true if it was not assigned before. */
  async assignRole(contactId: string, role: string, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db
      .insertInto('pk_contact_roles')
      .values({ contact_id: contactId, role, created_at: this.clock.now() })
      .onConflict((conflict) => conflict.columns(['contact_id', 'role']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Revokes a role; true if it was assigned. */
  async revokeRole(contactId: string, role: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('pk_contact_roles')
      .where('contact_id', '=', contactId)
      .where('role', '=', role)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(options: { limit?: number } = {}): Promise<Array<ContactRow & { roles: string[] }>> {
    const contacts = await this.db.selectFrom('contact').selectAll().orderBy('createdon').orderBy('id').limit(options.limit ?? 1000).execute();
    const roles = await this.db.selectFrom('pk_contact_roles').select(['contact_id', 'role']).orderBy('role').execute();
    return contacts.map((contact) => ({
      ...contact,
      roles: roles.filter((row) => row.contact_id === contact.id).map((row) => row.role),
    }));
  }
}
