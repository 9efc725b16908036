import type { ServerContext } from '../app/context.js';
import { hashPassword, passwordProblems } from '../auth/passwords.js';
import { createLocalContact } from '../contacts/local-contact.js';

export interface SeedAccount {
  readonly id: string;
  readonly name: string;
}

export interface SeedContact {
  readonly email: string;
  readonly username?: string;
  readonly firstname?: string;
  readonly lastname?: string;
  readonly accountId?: string;
  readonly roles?: readonly string[];
  readonly password: string;
}

/**
 * Creates accounts and contacts (with passwords and roles) that do not exist yet; existing ones are
 * left as they are, so running it at every start is safe. For demos and fixtures.
 */
export async function seedContacts(
  context: ServerContext,
  seed: { accounts?: readonly SeedAccount[]; contacts: readonly SeedContact[] },
): Promise<{ created: number }> {
  const now = context.clock.now();
  for (const account of seed.accounts ?? []) {
    await context.db
      .insertInto('account')
      .values({ id: account.id, name: account.name, parentaccountid: null, createdon: now, modifiedon: now })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
  }
  let created = 0;
  for (const contact of seed.contacts) {
    if (await context.contacts.byEmail(contact.email)) continue;
    const problems = passwordProblems(contact.password, context.config.model.authentication.password);
    if (problems.length > 0) throw new Error(`Seed password for ${contact.email} ${problems.join('; ')}.`);
    const passwordHash = await hashPassword(contact.password);
    await createLocalContact(context, contact, passwordHash);
    created++;
  }
  return { created };
}
