import { parseArgs } from 'node:util';
import { AuditLog } from '../../audit/audit-log.js';
import { Contacts } from '../../contacts/contacts.js';
import { EventLog } from '../../events/event-log.js';
import { systemClock } from '../../util/clock.js';
import { DATA_OPTIONS, DATA_USAGE, withData } from '../data-options.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';

/**
 * `portalkit roles assign|revoke`: changes a contact's web roles in the database and publishes
 * `permissions-changed` through the event log, so a running server (another process) tells that
 * visitor's open pages within seconds. Idempotent: assigning an assigned role (or revoking an absent
 * one) succeeds and says so.
 */
export const rolesCommand = {
  summary: 'roles assign|revoke --email E --role R: takes effect on open pages within seconds',
  usage: [
    `Usage: portalkit roles assign ${DATA_USAGE} --email E --role R`,
    `       portalkit roles revoke ${DATA_USAGE} --email E --role R`,
    '',
    'The Anonymous and Authenticated roles apply by themselves and cannot be assigned.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...DATA_OPTIONS, email: { type: 'string' }, role: { type: 'string' } },
    });
    const action = positionals[0];
    if (positionals.length !== 1 || (action !== 'assign' && action !== 'revoke')) {
      throw new UsageError('expected "roles assign" or "roles revoke".');
    }
    const { email, role } = values;
    if (!email) throw new UsageError('--email is required.');
    if (!role) throw new UsageError('--role is required.');

    return withData(values, io, async (model, { db, wakeups }) => {
      const { anonymous, authenticated, names } = model.roles;
      if (role === anonymous) {
        writeLine(io.stderr, `"${role}" applies to every visitor who is not signed in; it cannot be assigned or revoked.`);
        return 1;
      }
      if (role === authenticated) {
        writeLine(io.stderr, `"${role}" applies to every signed-in contact; it cannot be assigned or revoked.`);
        return 1;
      }
      const contacts = new Contacts(db, systemClock);
      const contact = await contacts.byEmail(email);
      const declared = names.includes(role);
      // Revoking a role the configuration no longer declares is allowed: it cleans up the database.
      const assignedButUndeclared =
        !declared && action === 'revoke' && contact !== undefined &&
        (await db.selectFrom('pk_contact_roles').select('role').where('contact_id', '=', contact.id).where('role', '=', role).executeTakeFirst()) !== undefined;
      if (!declared && !assignedButUndeclared) {
        const assignable = names.filter((name) => name !== anonymous && name !== authenticated);
        writeLine(io.stderr, `Unknown role "${role}". Declared roles: ${names.join(', ')} (assignable: ${assignable.join(', ') || 'none'}).`);
        return 1;
      }
      if (!contact) {
        writeLine(io.stderr, `No contact with email "${email}".`);
        return 1;
      }

      const changed = action === 'assign' ? await contacts.assignRole(contact.id, role) : await contacts.revokeRole(contact.id, role);
      await new AuditLog(db, systemClock).record({
        action: action === 'assign' ? 'role-assign' : 'role-revoke',
        outcome: 'success',
        actor: 'cli',
        subject: contact.id,
        detail: { role, changed },
      });
      if (changed) await new EventLog(db, systemClock, wakeups).publish('permissions-changed', { contactId: contact.id });

      const who = contact.email ?? contact.id;
      if (action === 'assign') {
        writeLine(io.stdout, changed ? `Assigned "${role}" to ${who}.` : `${who} already has "${role}"; nothing changed.`);
      } else {
        writeLine(io.stdout, changed ? `Revoked "${role}" from ${who}.` : `${who} did not have "${role}"; nothing changed.`);
      }
      return 0;
    });
  },
};
