import { parseArgs } from 'node:util';
import { AuditLog } from '../../audit/audit-log.js';
import { systemClock } from '../../util/clock.js';
import { DATA_OPTIONS, DATA_USAGE, withData } from '../data-options.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';

export const auditCommand = {
  summary: 'audit tail [--since T]: the audit log as JSON lines',
  usage: `Usage: portalkit audit tail ${DATA_USAGE} [--since ISO-TIME|DURATION e.g. 2026-11-23T10:00Z or 15m] [--limit N]`,
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...DATA_OPTIONS, since: { type: 'string' }, limit: { type: 'string', default: '1000' } },
    });
    if (positionals[0] !== 'tail' || positionals.length !== 1) throw new UsageError('expected "audit tail".');
    const sinceMs = values.since === undefined ? undefined : parseSince(values.since, systemClock.now());
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer.');
    return withData(values, io, async (_model, { db }) => {
      const records = await new AuditLog(db, systemClock).read({ ...(sinceMs !== undefined ? { sinceMs } : {}), limit });
      for (const record of records) writeLine(io.stdout, terminalSafeJson(record));
      return 0;
    });
  },
};

function parseSince(value: string, now: number): number {
  const duration = /^(\d+)(s|m|h|d)$/.exec(value);
  if (duration) return now - Number(duration[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[duration[2] as 's' | 'm' | 'h' | 'd'];
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new UsageError(`--since must be an ISO time or a duration like 15m, not "${value}".`);
  return time;
}

/**
 * JSON with every character a terminal or a log pipeline could act on escaped: JSON.stringify already
 * escapes C0 controls (newlines, ESC), this adds DEL, the C1 controls (U+009B is a one-byte escape
 * sequence introducer on some terminals) and the Unicode line separators. One record, one inert line.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
