
import { auditCommand } from './commands/audit.js';
import { checkConfigCommand } from './commands/check-config.js';
import { contactsCommand } from './commands/contacts.js';
import { explainCommand } from './commands/explain.js';
import { inviteCommand } from './commands/invite.js';
import { keysCommand } from './commands/keys.js';
import { rolesCommand } from './commands/roles.js';
import { serveCommand } from './commands/serve.js';
import { UsageError, writeLine } from './io.js';
import type { CliIo, ExitCode } from './io.js';

interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: CliIo): Promise<ExitCode>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: serveCommand,
  'check-config': checkConfigCommand,
  explain: explainCommand,
  contacts: contactsCommand,
  roles: rolesCommand,
  invite: inviteCommand,
  keys: keysCommand,
  audit: auditCommand,
};

const USAGE = [
  'Usage: portalkit <command> [options]',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(14)} ${command.summary}`),
  '',
  'Run `portalkit <command> --help` for a command\'s options.',
].join('\n');

/** Runs the `portalkit` CLI and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name === undefined ? io.stderr : io.stdout, USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    writeLine(io.stderr, `portalkit: unknown command "${name}".\n\n${USAGE}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(io.stdout, command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      writeLine(io.stderr, `portalkit ${name}: ${(error as Error).message}\n\n${command.usage}`);
      return 1;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = error instanceof TypeError ? (error as TypeError & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

