import type { SelectQueryBuilder } from 'kysely';
import { COLUMN_NAME, readableColumn } from './columns.js';
import type { QueryColumnType, QueryContext } from './columns.js';
import { QueryLanguageError, quote } from './errors.js';
import { ORDER_BY_MAX_KEYS, ORDER_BY_MAX_LENGTH } from './limits.js';
import { commaList, exceeds } from './list.js';

/**
 * One sort key. `type` and `nullable` travel with it so a cursor can be checked and a keyset condition
 * built without the table at hand.
 */
export interface OrderKey {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
  readonly type: QueryColumnType;
  readonly nullable: boolean;
}

/** The order when `orderBy` is absent or blank: newest first. */
export const DEFAULT_ORDER: readonly OrderKey[] = [
  { column: 'createdon', direction: 'desc', type: 'timestamp', nullable: false },
  { column: 'id', direction: 'desc', type: 'id', nullable: false },
];

function syntax(message: string, position: number): QueryLanguageError {
  return new QueryLanguageError('order-by-syntax', 'orderBy', message, position);
}

/**
 * Parses `orderBy` (`title desc, createdon`): up to {@link ORDER_BY_MAX_KEYS} readable columns, each
 * `asc` (the default) or `desc`, keywords case-insensitive. `id` is appended as the final tie-breaker
 * (with the direction of the last key) so the order is total and a keyset cursor never skips or
 * repeats a row. Absent or blank: {@link DEFAULT_ORDER}. Long-text (`text`) columns cannot be sorted on.
 *
 * NULLs sort as the smallest value on both engines: first in `asc`, last in `desc`. Use
 * {@link applyOrderBy} to emit this order; {@link keysetAfter} assumes it.
 */
export function parseOrderBy(text: string | undefined, context: QueryContext): OrderKey[] {
  if (text === undefined || text.trim() === '') return [...DEFAULT_ORDER];
  if (exceeds(text, ORDER_BY_MAX_LENGTH)) {
    throw new QueryLanguageError('order-by-too-long', 'orderBy', `orderBy is longer than ${ORDER_BY_MAX_LENGTH} characters.`);
  }
  const items = commaList(text);
  if (items.length > ORDER_BY_MAX_KEYS) {
    const extra = items[ORDER_BY_MAX_KEYS];
    throw new QueryLanguageError(
      'order-by-too-many-keys',
      'orderBy',
      `orderBy can sort by at most ${ORDER_BY_MAX_KEYS} columns.`,
      extra?.position,
    );
  }
  const order: OrderKey[] = [];
  for (const item of items) {
    const [name = '', direction = 'asc', ...rest] = item.text.split(/[ \t\r\n]+/);
    if (name === '') throw syntax(`Expected a column name at character ${item.position} of orderBy.`, item.position);
    if (!COLUMN_NAME.test(name)) {
      throw syntax(`${quote(name)} at character ${item.position} of orderBy is not a column name (column names are lowercase letters, digits and "_").`, item.position);
    }
    const lowered = direction.toLowerCase();
    if ((lowered !== 'asc' && lowered !== 'desc') || rest.length > 0) {
      throw syntax(`Expected "asc", "desc", "," or the end after ${quote(name)} at character ${item.position} of orderBy.`, item.position);
    }
    const column = readableColumn(context, name);
    if (!column) {
      throw new QueryLanguageError('unknown-column', 'orderBy', `${quote(name)} at character ${item.position} is not a column you can sort by.`, item.position);
    }
    if (column.type === 'text') {
      throw new QueryLanguageError('order-by-unsupported', 'orderBy', `${quote(name)} at character ${item.position} is a long text column and cannot be sorted on.`, item.position);
    }
    if (order.some((key) => key.column === name)) {
      throw syntax(`${quote(name)} at character ${item.position} is already in orderBy.`, item.position);
    }
    order.push({ column: name, direction: lowered, type: column.type, nullable: column.nullable });
  }
  if (!order.some((key) => key.column === 'id')) {
    order.push({ column: 'id', direction: order.at(-1)?.direction ?? 'asc', type: 'id', nullable: false });
  }
  return order;
}

/**
 * Adds the ORDER BY the keyset cursor relies on: each key in its direction, with NULLs first in `asc`
 * and last in `desc` (`NULLS FIRST`/`NULLS LAST`, spelled out because PostgreSQL's default is the
 * opposite of SQLite's; SQLite ≥ 3.30 and PostgreSQL both accept it). Nothing else may be added to the
 * ORDER BY after this, or pages and cursors disagree.
 */
export function applyOrderBy<QB extends SelectQueryBuilder<any, any, any>>(query: QB, order: readonly OrderKey[], alias?: string): QB {
  let ordered = query;
  for (const key of order) {
    const ref = alias === undefined ? key.column : `${alias}.${key.column}`;
    ordered = ordered.orderBy(ref, (item) => {
      const directed = key.direction === 'asc' ? item.asc() : item.desc();
      if (!key.nullable) return directed;
      return key.direction === 'asc' ? directed.nullsFirst() : directed.nullsLast();
    }) as QB;
  }
  return ordered;
}
