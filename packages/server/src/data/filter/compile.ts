import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ComparisonOperator, CompareNode, FilterNode, TextMatchNode } from './ast.js';
import { columnRef, INTEGER_TYPES, MATCHABLE_TYPES, readableColumn, TEXT_TYPES } from './columns.js';
import type { QueryColumn, QueryContext } from './columns.js';
import { normaliseDatetime } from './datetime.js';
import { QueryLanguageError, quote } from './errors.js';
import { escapeLike, likeMatch } from './like.js';

const SQL_OPERATORS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;
const COMPLEMENT: Readonly<Record<ComparisonOperator, ComparisonOperator>> = { eq: 'ne', ne: 'eq', lt: 'ge', le: 'gt', gt: 'le', ge: 'lt' };

/**
 * Compiles a parsed filter to a Kysely condition. Values are bound parameters; column names are
 * checked against `context.readable` and the table, then passed through Kysely's identifier quoting.
 *
 * Semantics are two-valued, so `not` is always the exact complement: `eq`, `lt`, `le`, `gt`, `ge`,
 * `contains` and `startswith` never match a NULL column, while `ne` (and the negation of anything else)
 * does — `status ne 'closed'` includes rows with no status. `col eq null` is `IS NULL`. To get there,
 * negations are pushed down to the comparisons (De Morgan) rather than emitted as SQL `NOT`.
 *
 * Throws {@link QueryLanguageError}: `unknown-column` (the same for a column that does not exist and
 * one the visitor cannot read), `filter-type-mismatch`, `filter-unsupported-operator`.
 */
export function compileFilter(node: FilterNode, context: QueryContext, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  return compile(node, false, context, eb);
}

function compile(node: FilterNode, negated: boolean, context: QueryContext, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const operands = node.operands.map((operand) => compile(operand, negated, context, eb));
      return (node.kind === 'and') !== negated ? eb.and(operands) : eb.or(operands);
    }
    case 'not':
      return compile(node.operand, !negated, context, eb);
    case 'compare':
      return compileComparison(node, negated, context, eb);
    case 'contains':
    case 'startswith':
      return compileTextMatch(node, negated, context, eb);
  }
}

/** The column a filter names, or the one error for "does not exist" and "you cannot read it". */
function filterColumn(context: QueryContext, name: string, position: number): QueryColumn {
  const column = readableColumn(context, name);
  if (!column) {
    throw new QueryLanguageError('unknown-column', 'filter', `${quote(name)} at character ${position} is not a column you can filter on.`, position);
  }
  return column;
}

function mismatch(node: CompareNode, expected: string): QueryLanguageError {
  return new QueryLanguageError(
    'filter-type-mismatch',
    'filter',
    `${quote(node.column)} holds ${expected}, so the value at character ${node.valuePosition} cannot be compared with it.`,
    node.valuePosition,
  );
}

/** The value to bind for a non-null literal, checked against (and converted to) the column's storage. */
function boundValue(node: CompareNode, column: QueryColumn): string | number {
  const value = node.value;
  if (column.type === 'boolean') {
    if (typeof value !== 'boolean') throw mismatch(node, 'true or false');
    if (node.op !== 'eq' && node.op !== 'ne') throw unsupported(node.op, node.column, node.position, 'it holds true or false');
    return value ? 1 : 0;
  }
  if (column.type === 'datetime') {
    const stored = typeof value === 'string' ? normaliseDatetime(value) : undefined;
    if (stored === undefined) throw mismatch(node, "dates and times (write them like '2024-05-31T14:30:00Z' or '2024-05-31')");
    return stored;
  }
  if (TEXT_TYPES.has(column.type)) {
    if (typeof value !== 'string') throw mismatch(node, 'text (write it in single quotes)');
    return value;
  }
  if (INTEGER_TYPES.has(column.type)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw mismatch(node, 'whole numbers');
    return value;
  }
  if (typeof value !== 'number') throw mismatch(node, 'numbers');
  return value;
}

function unsupported(op: string, column: string, position: number, why: string): QueryLanguageError {
  return new QueryLanguageError(
    'filter-unsupported-operator',
    'filter',
    `${op} cannot be used on ${quote(column)} (at character ${position}): ${why}.`,
    position,
  );
}

function compileComparison(node: CompareNode, negated: boolean, context: QueryContext, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  const column = filterColumn(context, node.column, node.position);
  const ref = columnRef(eb, column.name, context.alias);
  if (node.value === null) {
    return (node.op === 'eq') !== negated ? eb(ref, 'is', null) : eb(ref, 'is not', null);
  }
  const value = boundValue(node, column);
  const op = negated ? COMPLEMENT[node.op] : node.op;
  const comparison = eb(ref, SQL_OPERATORS[op], value);
  // The complement of a comparison that never matches NULL is one that always does.
  const matchesNull = negated !== (node.op === 'ne');
  return matchesNull && column.nullable ? eb.or([comparison, eb(ref, 'is', null)]) : comparison;
}

function compileTextMatch(node: TextMatchNode, negated: boolean, context: QueryContext, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  const column = filterColumn(context, node.column, node.position);
  if (!MATCHABLE_TYPES.has(column.type)) {
    throw unsupported(node.kind, node.column, node.position, 'it only works on text columns');
  }
  const escaped = escapeLike(node.value);
  const pattern = node.kind === 'contains' ? `%${escaped}%` : `${escaped}%`;
  return likeMatch(eb, context.engine, column.name, context.alias, pattern, negated);
}
