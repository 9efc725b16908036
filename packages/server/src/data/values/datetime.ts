/**
 * ISO-8601 / RFC 3339: a date (`YYYY-MM-DD`), or a date and time with seconds and fraction optional and
 * a zone (`Z` or `±HH:MM`) required, so a stored value never depends on the server's time zone.
 */
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})))?$/;

/** Longest text {@link normaliseDateTime} looks at: a full date-time with nanoseconds and an offset. */
const MAX_DATETIME_TEXT = 40;

/**
 * The stored form of an ISO-8601 date or date-time: UTC with milliseconds, `YYYY-MM-DDTHH:mm:ss.sssZ`
 * (fixed width, so it sorts as text). Undefined when the text is not one, names a day or time that
 * does not exist (February 30th, 24:00, an offset beyond ±23:59), or falls outside years 0000–9999 once
 * in UTC. A date alone means midnight UTC; digits after the milliseconds are dropped.
 */
export function normaliseDateTime(text: string): string | undefined {
  if (text.length > MAX_DATETIME_TEXT) return undefined;
  const match = ISO_DATETIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', , sign, offsetHours = '00', offsetMinutes = '00'] =
    match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  if (h > 23 || mi > 59 || s > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  date.setUTCHours(h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const utc = new Date(date.getTime() - (sign === '-' ? -offset : sign === '+' ? offset : 0));
  if (Number.isNaN(utc.getTime())) return undefined;
  const stored = utc.toISOString();
  // Years beyond 0000–9999 print as ±YYYYYY, which would break sorting as text.
  return /^\d{4}-/.test(stored) ? stored : undefined;
}

/**
 * A system timestamp (`createdon`, `modifiedon`: milliseconds since the epoch, as SQLite or PostgreSQL
 * hand it back: number, bigint or numeric string) as an ISO-8601 UTC string; null when absent.
 */
export function epochMillisecondsToIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const milliseconds = typeof value === 'number' ? value : Number(value as bigint | string);
  const date = new Date(milliseconds);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
