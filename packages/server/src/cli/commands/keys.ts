import { parseArgs } from 'node:util';
import { AuditLog } from '../../audit/audit-log.js';
import { SigningKeys } from '../../permissions/signing-keys.js';
import { systemClock } from '../../util/clock.js';
import { DATA_OPTIONS, DATA_USAGE, withData } from '../data-options.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';

/**
 * `portalkit keys rotate`: a new permission-set signing key becomes active; the previous one stays in
 * the JWKS until the last set it signed has expired. A running server picks the new key up within
 * seconds, without a restart.
 */
export const keysCommand = {
  summary: 'keys rotate: new permission-set signing key',
  usage: [
    `Usage: portalkit keys rotate ${DATA_USAGE}`,
    '',
    'Prints the new key id (kid). The previous key stays published until its last permission set expires.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...DATA_OPTIONS } });
    if (positionals.length !== 1 || positionals[0] !== 'rotate') throw new UsageError('expected "keys rotate".');
    return withData(values, io, async (model, { db }) => {
      const keys = new SigningKeys(db, systemClock, () => model.authentication.permissionSetMinutes);
      const rotation = await keys.rotate();
      await new AuditLog(db, systemClock).record({
        action: 'key-rotate',
        outcome: 'success',
        actor: 'cli',
        subject: rotation.kid,
        detail:
          rotation.retired.length > 0
            ? { retired: rotation.retired, publishedUntil: new Date(rotation.publishUntil).toISOString() }
            : { retired: [] },
      });
      writeLine(io.stdout, rotation.kid);
      if (rotation.retired.length > 0) {
        io.stderr.write(`Retired ${rotation.retired.join(', ')}; published until ${new Date(rotation.publishUntil).toISOString()}.\n`);
      }
      return 0;
    });
  },
};
