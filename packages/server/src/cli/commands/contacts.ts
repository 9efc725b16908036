import { parseArgs } from 'node:util';
import { hashPassword, passwordProblems } from '../../auth/passwords.js';
import { ContactExistsError, Contacts } from '../../contacts/contacts.js';
import { createLocalContact } from '../../contacts/local-contact.js';
import { AuditLog } from '../../audit/audit-log.js';
import { systemClock } from '../../util/clock.js';
import { DATA_OPTIONS, DATA_USAGE, withData } from '../data-options.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';
import { readSecret } from '../read-secret.js';

export const contactsCommand = {
  summary: 'contacts add|list: create a contact (password from stdin) or list contacts',
  usage: [
    `Usage: portalkit contacts add ${DATA_USAGE} --email E [--username U] [--first-name F] [--last-name L] [--role R…] [--account ID]`,
    `       portalkit contacts list ${DATA_USAGE} [--json]`,
    '',
    'add reads the password from standard input (first line), never from the command line.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...DATA_OPTIONS,
        email: { type: 'string' },
        username: { type: 'string' },
        'first-name': { type: 'string' },
        'last-name': { type: 'string' },
        role: { type: 'string', multiple: true },
        account: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const action = positionals[0];
    if (positionals.length !== 1 || (action !== 'add' && action !== 'list')) throw new UsageError('expected "contacts add" or "contacts list".');
    if (action === 'list') {
      return withData(values, io, async (_model, { db }) => {
        const contacts = await new Contacts(db, systemClock).list();
        for (const contact of contacts) {
          const summary = { id: contact.id, email: contact.email, username: contact.username, accountId: contact.accountid, roles: contact.roles };
          writeLine(io.stdout, values.json ? JSON.stringify(summary) : `${contact.id}  ${contact.email ?? '-'}  ${contact.username ?? '-'}  ${contact.roles.join(', ')}`);
        }
        return 0;
      });
    }
    if (!values.email) throw new UsageError('--email is required.');
    const email = values.email;
    return withData(values, io, async (model, { db }) => {
      const unknownRoles = (values.role ?? []).filter((role) => !model.roles.names.includes(role));
      if (unknownRoles.length > 0) {
        writeLine(io.stderr, `Unknown role ${unknownRoles.map((r) => `"${r}"`).join(', ')}. Declared roles: ${model.roles.names.join(', ')}.`);
        return 1;
      }
      if ((values.role ?? []).includes(model.roles.anonymous)) {
        writeLine(io.stderr, `"${model.roles.anonymous}" applies to visitors who are not signed in; it cannot be assigned.`);
        return 1;
      }
      if (values.account && !(await db.selectFrom('account').select('id').where('id', '=', values.account).executeTakeFirst())) {
        writeLine(io.stderr, `No account with id "${values.account}".`);
        return 1;
      }
      const password = await readSecret(io.stdin);
      const problems = passwordProblems(password, model.authentication.password);
      if (problems.length > 0) {
        writeLine(io.stderr, `The password ${problems.join('; ')}.`);
        return 1;
      }
      const passwordHash = await hashPassword(password);
      const contacts = new Contacts(db, systemClock);
      try {
        const contact = await createLocalContact(
          { db, contacts, clock: systemClock },
          {
            email,
            username: values.username,
            firstname: values['first-name'],
            lastname: values['last-name'],
            accountId: values.account,
            roles: values.role ?? [],
          },
          passwordHash,
        );
        await new AuditLog(db, systemClock).record({ action: 'contact-create', outcome: 'success', actor: 'cli', subject: contact.id, detail: { roles: values.role ?? [] } });
        writeLine(io.stdout, contact.id);
        return 0;
      } catch (error) {
        if (error instanceof ContactExistsError) {
          writeLine(io.stderr, error.message);
          return 1;
        }
        throw error;
      }
    });
  },
};
