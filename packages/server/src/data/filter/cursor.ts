import { createHash } from 'node:crypto';
import { INTEGER_TYPES, TEXT_TYPES } from './columns.js';
import { QueryLanguageError } from './errors.js';
import { CURSOR_MAX_LENGTH } from './limits.js';
import type { OrderKey } from './order-by.js';

/** A sort-key value as stored: text, a number (booleans are 0/1), or NULL. */
export type CursorValue = string | number | null;

const VERSION = 1;
const CHECK_LENGTH = 22;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A check over the query's fingerprint and the values. It is not a secret (anyone can compute it for
 * their own query, and a cursor only moves the start of a page within rows the visitor may read
 * anyway); it makes a cursor from another query, or a damaged one, fail loudly instead of silently
 * paging from the wrong place.
 */
function check(fingerprint: string, values: readonly CursorValue[]): string {
  return createHash('sha256').update(fingerprint).update('\u0000').update(JSON.stringify(values)).digest('base64url').slice(0, CHECK_LENGTH);
}

function fits(key: OrderKey, value: unknown): value is CursorValue {
  if (value === null) return key.nullable;
  if (TEXT_TYPES.has(key.type)) return typeof value === 'string';
  if (key.type === 'boolean') return value === 0 || value === 1;
  if (INTEGER_TYPES.has(key.type)) return Number.isSafeInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

/** A row value as the cursor keeps it (drivers may hand back booleans or bigints). */
function stored(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return value;
}

/**
 * The cursor for the page after `lastRow`: its values for every order key (the row must include each
 * key's column), with a check over `fingerprint`, as base64url JSON. `fingerprint` must identify the
 * query (table, filter, search, order) — the route derives it; {@link decodeCursor} refuses a cursor
 * made for another one. Throws `cursor-unavailable` if the sort values are too long to fit in
 * {@link CURSOR_MAX_LENGTH} characters (very long `string` values).
 */
export function encodeCursor(order: readonly OrderKey[], lastRow: Readonly<Record<string, unknown>>, fingerprint: string): string {
  const values = order.map((key) => {
    const value = stored(lastRow[key.column]);
    if (!fits(key, value)) throw new Error(`encodeCursor: the row's "${key.column}" is missing or does not fit its type.`);
    return value;
  });
  const cursor = Buffer.from(JSON.stringify({ v: VERSION, h: check(fingerprint, values), k: values }), 'utf8').toString('base64url');
  if (cursor.length > CURSOR_MAX_LENGTH) {
    throw new QueryLanguageError(
      'cursor-unavailable',
      'orderBy',
      'The rows are sorted by values too long to page through; sort by shorter columns.',
    );
  }
  return cursor;
}

function invalid(): QueryLanguageError {
  return new QueryLanguageError('invalid-cursor', 'cursor', 'The cursor is not valid for this query; start again from the first page.');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The last row's sort values from a cursor made by {@link encodeCursor} for the same `order` and
 * `fingerprint`. Anything else — not base64url, not canonical, not UTF-8 JSON of the expected shape,
 * another query's cursor, a changed value, a value of the wrong type or a NULL where the column has
 * none, the wrong number of values, longer than {@link CURSOR_MAX_LENGTH} — is `invalid-cursor`.
 */
export function decodeCursor(text: string, order: readonly OrderKey[], fingerprint: string): CursorValue[] {
  if (typeof text !== 'string' || text.length === 0 || text.length > CURSOR_MAX_LENGTH || !BASE64URL.test(text)) throw invalid();
  const bytes = Buffer.from(text, 'base64url');
  // Only one spelling of each cursor is accepted: unused trailing bits could otherwise be flipped unnoticed.
  if (bytes.toString('base64url') !== text) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(UTF8.decode(bytes));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const cursor = parsed as Record<string, unknown>;
  const keys = Object.keys(cursor);
  if (keys.length !== 3 || cursor['v'] !== VERSION || typeof cursor['h'] !== 'string') throw invalid();
  const values = cursor['k'];
  if (!Array.isArray(values) || values.length !== order.length) throw invalid();
  if (!order.every((key, index) => fits(key, values[index]))) throw invalid();
  const checked = values as CursorValue[];
  if (cursor['h'] !== check(fingerprint, checked)) throw invalid();
  return checked;
}
