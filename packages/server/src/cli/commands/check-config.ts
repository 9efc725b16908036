import { parseArgs } from 'node:util';
import { readConfigFile } from '../../config/read-config-file.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';
import { reportIssues } from '../report-issues.js';

export const checkConfigCommand = {
  summary: 'validate a portal.config.json; every error with its JSON path',
  usage: 'Usage: portalkit check-config FILE\n\nExit 0 with a summary when valid; exit 1 with every error (stderr) otherwise.',
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE.');
    const file = positionals[0]!;
    const result = await readConfigFile(file);
    reportIssues(io.stderr, file, result.warnings);
    if (!result.ok) {
      reportIssues(io.stderr, file, result.errors);
      writeLine(io.stderr, `${file}: ${count(result.errors.length, 'error')}.`);
      return 1;
    }
    const { model } = result;
    const customTables = Object.values(model.tables).filter((table) => !table.builtIn).length;
    writeLine(
      io.stdout,
      `${file}: valid. ${model.site.name}: ${count(customTables, 'table')} (+ contact, account), ` +
        `${count(model.roles.names.length, 'web role')}, ${count(model.tablePermissions.length, 'table permission')}, ` +
        `${count(model.columnPermissions.length, 'column permission')}, ${count(model.pageRules.length, 'page rule')}, ` +
        `${count(model.authentication.providers.length, 'external provider')}` +
        (result.warnings.length > 0 ? `; ${count(result.warnings.length, 'warning')}.` : '.'),
    );
    return 0;
  },
};

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
