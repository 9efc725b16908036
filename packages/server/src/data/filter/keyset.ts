import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { columnRef } from './columns.js';
import type { CursorValue } from './cursor.js';
import type { OrderKey } from './order-by.js';

/**
 * The condition "comes after the row with these sort values" in the order {@link applyOrderBy} emits
 * (NULLs first in `asc`, last in `desc`), i.e. the row-value comparison `(k1, k2, id) > (v1, v2, vid)`
 * honouring each key's direction, written out portably:
 * `k1 > v1 OR (k1 = v1 AND (k2 > v2 OR (k2 = v2 AND id > vid)))`.
 *
 * For a nullable key, "after" and "equal" spell NULL out: in `asc`, after a NULL is any non-NULL and
 * after a value is a greater value; in `desc`, after a value is a smaller value or NULL, and nothing
 * comes after NULL but the rows that tie on it. The order must end with a unique key (`id`, which
 * {@link parseOrderBy} appends) or rows tying on every key would be skipped. A redundant range bound on
 * the first key is added in front where one exists, so an index on the order keys is seeked, not scanned.
 */
export function keysetAfter(order: readonly OrderKey[], values: readonly CursorValue[], eb: ExpressionBuilder<any, any>, alias?: string): Expression<SqlBool> {
  if (values.length !== order.length) throw new Error('keysetAfter: one value per order key is needed.');
  let after: Expression<SqlBool> | undefined;
  // Built from the last key outwards: after(i) = beyond(i) OR (tie(i) AND after(i + 1)).
  for (let index = order.length - 1; index >= 0; index -= 1) {
    const key = order[index] as OrderKey;
    const value = values[index] as CursorValue;
    const ref = columnRef(eb, key.column, alias);
    const tie = value === null ? eb(ref, 'is', null) : eb(ref, '=', value);
    const beyond = beyondValue(eb, ref, key, value);
    const continued = after === undefined ? undefined : eb.and([tie, after]);
    if (beyond && continued) after = eb.or([beyond, continued]);
    else after = beyond ?? continued;
  }
  if (!after) return sql<SqlBool>`1 = 0`;
  const bound = seekBound(eb, order[0] as OrderKey, values[0] as CursorValue, alias);
  return bound ? eb.and([bound, after]) : after;
}

/**
 * A condition implied by the keyset on its first key alone (`k1 >= v1` in `asc`, `k1 <= v1` in `desc`
 * for a column without NULLs). It changes no result; it lets the engine start an index range scan at
 * the cursor instead of walking the index from the top past every earlier page.
 */
function seekBound(eb: ExpressionBuilder<any, any>, key: OrderKey, value: CursorValue, alias: string | undefined): Expression<SqlBool> | undefined {
  if (value === null) return undefined;
  const ref = columnRef(eb, key.column, alias);
  if (key.direction === 'asc') return eb(ref, '>=', value);
  return key.nullable ? undefined : eb(ref, '<=', value);
}

/** Rows strictly beyond `value` on this key alone, or undefined when there are none. */
function beyondValue(
  eb: ExpressionBuilder<any, any>,
  ref: ReturnType<typeof columnRef>,
  key: OrderKey,
  value: CursorValue,
): Expression<SqlBool> | undefined {
  if (key.direction === 'asc') {
    if (value === null) return eb(ref, 'is not', null);
    return eb(ref, '>', value);
  }
  if (value === null) return undefined;
  return key.nullable ? eb.or([eb(ref, '<', value), eb(ref, 'is', null)]) : eb(ref, '<', value);
}
