import type { DataColumn } from '../schema/data-table.js';
import { normaliseDateTime } from './datetime.js';

/**
 * What a column value is bound as: text for string, text, choice, lookup and datetime columns; a number
 * for integer, decimal and boolean (0/1: better-sqlite3 cannot bind booleans) columns; or null.
 */
export type DbValue = string | number | null;

/** The outcome of checking one JSON value against one column. `message` never repeats the value. */
export type ValueCheck = { readonly ok: true; readonly value: DbValue } | { readonly ok: false; readonly message: string };

/** Lookup values are row ids: the server's UUIDs, or ids a seed chose within the same alphabet. */
const ROW_ID = /^[A-Za-z0-9_-]{1,100}$/;
/** A UTF-16 code unit that is half of a pair without its other half: not Unicode text. */
const LONE_SURROGATE = /\p{Cs}/u;
/** How many choice options a message lists before it stops. */
const OPTIONS_IN_MESSAGE = 20;

/**
 * Checks a JSON value against a column's declared type and converts it to what the database stores.
 * `null` is accepted unless the column is required. Datetimes are stored normalised to UTC with
 * milliseconds (see {@link normaliseDateTime}); booleans as 0/1; `-0` as 0.
 */
export function toDbValue(column: DataColumn, value: unknown): ValueCheck {
  if (value === null) return column.required ? fail('is required and cannot be null') : ok(null);
  switch (column.type) {
    case 'string':
    case 'text':
      return textValue(column, value);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('must be an integer');
      if (!Number.isSafeInteger(value)) {
        return fail(`must be an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
      }
      return ok(value + 0);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value + 0) : fail('must be a finite number');
    case 'boolean':
      return typeof value === 'boolean' ? ok(value ? 1 : 0) : fail('must be true or false');
    case 'datetime': {
      const stored = typeof value === 'string' ? normaliseDateTime(value) : undefined;
      return stored !== undefined
        ? ok(stored)
        : fail('must be an ISO 8601 date, or date and time with a time zone (e.g. "2024-05-01T09:30:00Z")');
    }
    case 'choice':
      return typeof value === 'string' && (column.options ?? []).includes(value) ? ok(value) : fail(choiceMessage(column));
    case 'lookup':
      return typeof value === 'string' && ROW_ID.test(value)
        ? ok(value)
        : fail('must be a row id: 1 to 100 letters, digits, "_" or "-"');
  }
}

function textValue(column: DataColumn, value: unknown): ValueCheck {
  if (typeof value !== 'string') return fail('must be a string');
  if (value.includes('\u0000')) return fail('must not contain NUL characters');
  if (LONE_SURROGATE.test(value)) return fail('must be valid Unicode text (it has an unpaired surrogate)');
  if (column.maxLength !== undefined && value.length > column.maxLength && codePoints(value) > column.maxLength) {
    return fail(`must be at most ${column.maxLength} characters long`);
  }
  return ok(value);
}

/** Characters as people count them (code points): an emoji is one, though UTF-16 spends two units on it. */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function choiceMessage(column: DataColumn): string {
  const options = column.options ?? [];
  const listed = options.slice(0, OPTIONS_IN_MESSAGE).map((option) => JSON.stringify(option));
  if (options.length > OPTIONS_IN_MESSAGE) listed.push(`and ${options.length - OPTIONS_IN_MESSAGE} more`);
  return `must be one of ${listed.join(', ')}`;
}

function ok(value: DbValue): ValueCheck {
  return { ok: true, value };
}

function fail(message: string): ValueCheck {
  return { ok: false, message };
}

/**
 * A stored value as JSON: integers and decimals as numbers (PostgreSQL returns `bigint` as a string),
 * booleans as true/false, everything text-stored as a string; null stays null.
 */
export function fromDbValue(column: DataColumn, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? value : Number(value as bigint | string);
    case 'boolean':
      return typeof value === 'boolean' ? value : Number(value as number | bigint | string) !== 0;
    default:
      return typeof value === 'string' ? value : String(value);
  }
}
