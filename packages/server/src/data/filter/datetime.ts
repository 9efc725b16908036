/**
 * ISO-8601 / RFC 3339 date or date-time: `YYYY-MM-DD`, or a date and time with seconds and fraction
 * optional and a zone (`Z` or `±HH:MM`) required, so no value depends on the server's time zone.
 */
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})))?$/;

/**
 * The stored form (`YYYY-MM-DDTHH:mm:ss.sssZ`, UTC, milliseconds) of an ISO-8601 date or date-time,
 * or undefined if the text is not one or names a day or time that does not exist. A date alone means
 * midnight UTC; digits after the milliseconds are dropped.
 */
export function normaliseDatetime(text: string): string | undefined {
  const match = ISO_DATETIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', , sign, offsetHours = '00', offsetMinutes = '00'] = match;
  const numbers = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = numbers;
  if (h > 23 || mi > 59 || s > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  const milliseconds = Number(fraction.padEnd(3, '0').slice(0, 3));
  date.setUTCHours(h, mi, s, milliseconds);
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const utc = new Date(date.getTime() - (sign === '-' ? -offset : sign === '+' ? offset : 0));
  if (Number.isNaN(utc.getTime())) return undefined;
  const stored = utc.toISOString();
  return /^\d{4}-/.test(stored) ? stored : undefined;
}
