import { parseArgs } from 'node:util';
import { resolveRights } from '@portalkit/core';
import { readConfigFile } from '../../config/read-config-file.js';
import { formatRightsReport } from '../format/rights-report.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';
import { reportIssues } from '../report-issues.js';

export const explainCommand = {
  summary: 'what a visitor with the given web roles may do',
  usage: [
    'Usage: portalkit explain --config FILE --role NAME [--role NAME…] [--json]',
    '',
    'Naming the Anonymous role explains a visitor who is not signed in; any other roles explain a',
    'signed-in contact (the Authenticated role is always added). --json prints the rights document',
    'that the visitor\'s permission set would carry.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        role: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
    });
    if (!values.config) throw new UsageError('--config FILE is required.');
    const requested = values.role ?? [];
    if (requested.length === 0) throw new UsageError('name at least one --role.');

    const result = await readConfigFile(values.config);
    if (!result.ok) {
      reportIssues(io.stderr, values.config, result.errors);
      return 1;
    }
    const { model } = result;
    const unknown = requested.filter((role) => !model.roles.names.includes(role));
    if (unknown.length > 0) {
      writeLine(
        io.stderr,
        `portalkit explain: unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}. ` +
          `Declared roles: ${model.roles.names.join(', ')}.`,
      );
      return 1;
    }
    const anonymous = requested.includes(model.roles.anonymous);
    if (anonymous && requested.length > 1) {
      writeLine(
        io.stderr,
        `portalkit explain: "${model.roles.anonymous}" applies only while nobody is signed in; it cannot combine with other roles.`,
      );
      return 1;
    }
    // A stand-in identity: the report speaks of "the visitor" and "the visitor's account", never of ids.
    const visitor = anonymous
      ? {}
      : { contactId: 'visitor', accountId: 'visitors-account', roles: requested };
    const rights = resolveRights(model, visitor);
    if (values.json) writeLine(io.stdout, JSON.stringify(rights.document, null, 2));
    else writeLine(io.stdout, formatRightsReport(model, rights));
    return 0;
  },
};
