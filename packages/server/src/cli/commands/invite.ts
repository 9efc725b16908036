import { parseArgs } from 'node:util';
import { AuditLog } from '../../audit/audit-log.js';
import { Invitations } from '../../auth/invitations.js';
import { systemClock } from '../../util/clock.js';
import { DATA_OPTIONS, DATA_USAGE, withData } from '../data-options.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';

/** Bounds that catch typos (`--expires-days 3650`) rather than express policy. */
const MAX_REDEMPTIONS = 10_000;
const MAX_EXPIRY_DAYS = 365;
/** An email, as registration accepts it (schemas.ts): something@something, no spaces or control characters. */
const EMAIL_PATTERN = /^[^@\s\p{Cc}]+@[^@\s\p{Cc}]+$/u;

export const inviteCommand = {
  summary: 'invite --email E [--role R…]: print a single-use invitation code',
  usage: [
    `Usage: portalkit invite ${DATA_USAGE} [--email E] [--role R…] [--account ID] [--max-redemptions N] [--expires-days N]`,
    '',
    'Prints the invitation code on standard output, once: only its hash is stored.',
    '  --email E            only a registration with this email may redeem it (omit for a group invitation)',
    '  --role R             a web role the invitee receives (repeatable)',
    '  --account ID         the account the invitee joins',
    '  --max-redemptions N  how many registrations it admits (default 1)',
    '  --expires-days N     lifetime in days (default: authentication.invitations.expiryDays)',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: false,
      options: {
        ...DATA_OPTIONS,
        email: { type: 'string' },
        role: { type: 'string', multiple: true },
        account: { type: 'string' },
        'max-redemptions': { type: 'string' },
        'expires-days': { type: 'string' },
      },
    });
    if (positionals.length > 0) throw new UsageError('unexpected arguments.');
    const email = values.email?.trim();
    if (email !== undefined && (email.length > 254 || !EMAIL_PATTERN.test(email))) throw new UsageError(`--email "${email}" is not an email address.`);
    const maxRedemptions = positiveInteger(values['max-redemptions'], '--max-redemptions', 1, MAX_REDEMPTIONS) ?? 1;
    const expiresDays = positiveInteger(values['expires-days'], '--expires-days', 1, MAX_EXPIRY_DAYS);
    const roles = [...new Set(values.role ?? [])];

    return withData(values, io, async (model, { db }) => {
      const unknown = roles.filter((role) => !model.roles.names.includes(role));
      if (unknown.length > 0) {
        writeLine(io.stderr, `Unknown role ${unknown.map((role) => JSON.stringify(role)).join(', ')}. Declared roles: ${model.roles.names.join(', ')}.`);
        return 1;
      }
      if (roles.includes(model.roles.anonymous)) {
        writeLine(io.stderr, `"${model.roles.anonymous}" applies to visitors who are not signed in; it cannot be assigned.`);
        return 1;
      }
      if (values.account !== undefined && !(await db.selectFrom('account').select('id').where('id', '=', values.account).executeTakeFirst())) {
        writeLine(io.stderr, `No account with id "${values.account}".`);
        return 1;
      }
      const invitation = await new Invitations(db, systemClock).create({
        email,
        roles,
        accountId: values.account,
        maxRedemptions,
        expiresInDays: expiresDays ?? model.authentication.invitations.expiryDays,
      });
      await new AuditLog(db, systemClock).record({
        action: 'invitation-create',
        outcome: 'success',
        actor: 'cli',
        subject: invitation.reference,
        detail: {
          ...(email !== undefined ? { email } : {}),
          roles,
          ...(values.account !== undefined ? { accountId: values.account } : {}),
          maxRedemptions,
          expiresAt: new Date(invitation.expiresAt).toISOString(),
        },
      });
      // The code alone on stdout, so scripts can capture it; the facts about it on stderr.
      writeLine(io.stdout, invitation.code);
      writeLine(
        io.stderr,
        `Invitation ${invitation.reference} for ${email ?? 'anyone with the code'}` +
          `${roles.length > 0 ? `, roles ${roles.join(', ')}` : ''}` +
          `, ${maxRedemptions} redemption${maxRedemptions === 1 ? '' : 's'}, expires ${new Date(invitation.expiresAt).toISOString()}. ` +
          'The code is shown only now.',
      );
      return 0;
    });
  },
};

function positiveInteger(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, not "${value}".`);
  }
  return number;
}
