import type { ColumnType } from '@portalkit/core';
import type { ExpressionBuilder, ReferenceExpression } from 'kysely';
import type { Engine } from '../../storage/engine.js';
import type { DataTable } from '../schema/data-table.js';

/** What the query language needs to know about the request it serves. */
export interface QueryContext {
  readonly table: DataTable;
  /**
   * The columns the visitor may name: their readable declared columns plus the system columns `id`,
   * `createdon` and `modifiedon`. Anything else is refused exactly like a column that does not exist.
   */
  readonly readable: ReadonlySet<string>;
  readonly engine: Engine;
  /** The alias the query gives the table, if any; column references are qualified with it. */
  readonly alias?: string;
}

/** A column name as the config allows it; nothing else is ever looked up. */
export const COLUMN_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** A column's type as the query language sees it: declared types, plus `id` and `timestamp` for system columns. */
export type QueryColumnType = ColumnType | 'id' | 'timestamp';

/** A column the visitor may name. */
export interface QueryColumn {
  readonly name: string;
  readonly type: QueryColumnType;
  /** System columns are never NULL; a declared column may be (rows can predate a column). */
  readonly nullable: boolean;
}

const SYSTEM_COLUMNS: Readonly<Record<string, QueryColumnType>> = { id: 'id', createdon: 'timestamp', modifiedon: 'timestamp' };

/**
 * The column the visitor may name, or undefined for one that is unreadable, unknown, or not a column
 * name at all: callers give the same answer for all three so the error is no oracle for hidden columns.
 */
export function readableColumn(context: QueryContext, name: string): QueryColumn | undefined {
  if (!COLUMN_NAME.test(name) || !context.readable.has(name)) return undefined;
  const system = Object.hasOwn(SYSTEM_COLUMNS, name) ? SYSTEM_COLUMNS[name] : undefined;
  if (system) return { name, type: system, nullable: false };
  const declared = context.table.columns.get(name);
  return declared ? { name, type: declared.type, nullable: true } : undefined;
}

/** Types compared as text (string literals). */
export const TEXT_TYPES: ReadonlySet<QueryColumnType> = new Set(['string', 'text', 'choice', 'lookup', 'id', 'datetime']);
/** Types `contains`, `startswith` and `search` work on. */
export const MATCHABLE_TYPES: ReadonlySet<QueryColumnType> = new Set(['string', 'text', 'choice']);
/** Types holding whole numbers. */
export const INTEGER_TYPES: ReadonlySet<QueryColumnType> = new Set(['integer', 'timestamp']);

/** A reference to a validated column, qualified with the query's alias. Kysely quotes it. */
export function columnRef(eb: ExpressionBuilder<any, any>, column: string, alias: string | undefined): ReferenceExpression<any, any> {
  return eb.ref(alias === undefined ? column : `${alias}.${column}`);
}
