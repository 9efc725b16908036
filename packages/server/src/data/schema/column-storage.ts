import type { ColumnType } from '@portalkit/core';
import type { ColumnDataType } from 'kysely';

/**
 * How each column type is stored, the same on SQLite and PostgreSQL: text for string, text, choice,
 * datetime (ISO-8601 UTC with milliseconds, which sorts as text) and lookup (a row id); bigint for
 * integer; double precision for decimal; integer 0/1 for boolean (better-sqlite3 cannot bind booleans).
 */
export function storageType(type: ColumnType): ColumnDataType {
  switch (type) {
    case 'string':
    case 'text':
    case 'choice':
    case 'datetime':
    case 'lookup':
      return 'text';
    case 'integer':
      return 'bigint';
    case 'decimal':
      return 'double precision';
    case 'boolean':
      return 'integer';
  }
}

/** Types whose every stored value is a valid value of the others: changing among them keeps the data as is. */
const FREE_TEXT_TYPES: ReadonlySet<ColumnType> = new Set(['string', 'text', 'choice']);

/**
 * Whether a column can change from one declared type to another without touching stored data: only
 * among string, text and choice (all plain text; the API checks lengths and options on the next write).
 * Anything else (integer → string, datetime → string, a lookup gaining or changing its target) would
 * need the column rebuilt and its values converted or lost.
 */
export function keepsStoredData(from: ColumnType, to: ColumnType): boolean {
  return from === to || (FREE_TEXT_TYPES.has(from) && FREE_TEXT_TYPES.has(to));
}
