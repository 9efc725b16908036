import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Engine } from '../../storage/engine.js';
import { storageType } from './column-storage.js';
import type { DataColumn, DataTable } from './data-table.js';

/**
 * DDL for data tables, through Kysely's schema builder (identifiers quoted; names come only from the
 * validated configuration or the record). Written once for SQLite and PostgreSQL.
 */

/** PostgreSQL truncates identifiers beyond 63 bytes. */
const MAX_IDENTIFIER = 63;

/**
 * The name of the index on `columns` of `table`. Index names share one namespace per database (with
 * tables, on PostgreSQL), so they take the `pk_` prefix config tables may not use, and a hash of the
 * table and columns so no two tables' indexes can collide however their names are cut or joined.
 */
export function indexName(table: string, columns: readonly string[], kind: 'ix' | 'sx' | 'rx' = 'ix'): string {
  const hash = createHash('sha256').update(`${table}\u0000${columns.join(',')}`).digest('hex').slice(0, 10);
  const readable = `pk_${kind}_${table}_${columns.join('_')}`.slice(0, MAX_IDENTIFIER - hash.length - 1);
  return `${readable}_${hash}`;
}

/** Sort indexes (`sortable` columns) carry their own prefix, so the sync can tell which indexes are its to drop. */
export const SORT_INDEX_PREFIX = 'pk_sx_';

/**
 * The index behind a `sortable` column: (column, id), the order a keyset page sorted by it reads in
 * (`id` is every order's tie-breaker), in either direction.
 */
export function sortIndexName(table: string, column: string): string {
  return indexName(table, [column, 'id'], 'sx');
}

/**
 * Relationship and scope indexes (the lookups parent-scope permissions go through, and the contact or
 * account columns of contact- and account-scope permissions) carry their own prefix too, for the same
 * reason: the sync creates and drops them, and touches no other index.
 */
export const RELATIONSHIP_INDEX_PREFIX = 'pk_rx_';

/**
 * The index behind a column a permission scopes by, (column, createdon, id): a lookup that a
 * `parent`-scope permission goes through, or the contact or account column of a `contact`- or
 * `account`-scope permission. A list under a parent scope finds its candidates as `lookup IN (parent
 * ids)`; with this index that step reads the index alone (no table row per candidate) and already
 * holds what the default order (newest first, `id` the tie-breaker) and its keyset need, so only the
 * page's rows are fetched. Under one parent, or for one contact or account, a list newest first is
 * read in index order with no sort at all.
 */
export function relationshipIndexName(table: string, column: string): string {
  return indexName(table, [column, ...CREATED_ORDER], 'rx');
}

/** CREATE INDEX IF NOT EXISTS for the sort and relationship indexes (names from the functions above). */
export async function createSortIndex(db: Kysely<any>, name: string, table: string, columns: readonly string[]): Promise<void> {
  await db.schema.createIndex(name).ifNotExists().on(table).columns([...columns]).execute();
}

export async function dropIndex(db: Kysely<any>, name: string): Promise<void> {
  await db.schema.dropIndex(name).ifExists().execute();
}

/** The keyset order every list uses without an explicit `orderBy` (and its tie-breaker). */
export const CREATED_ORDER = ['createdon', 'id'] as const;

/**
 * Text compares byte by byte on SQLite. A PostgreSQL database compares by its locale unless told
 * otherwise ("a" < "B" in en_US, the reverse in C), which would change the order of sorted pages and
 * where a keyset cursor resumes. `COLLATE "C"` makes text columns compare as SQLite does, so a list is
 * the same on both engines whatever locale the operator's database has.
 */
function bytewise(engine: Engine, type: string): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return (col) => (engine === 'postgres' && type === 'text' ? col.modifyFront(sql`collate "C"`) : col);
}

function columnDefinition(engine: Engine, column: DataColumn): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  // Every declared column is nullable: `required` is checked by the API on writes, so a column added to a
  // table with rows, or made required later, never needs a default or a table rebuild.
  return (col) => {
    const collated = bytewise(engine, storageType(column.type))(col);
    return column.target === undefined ? collated : collated.references(`${column.target}.id`).onDelete('restrict');
  };
}

/** CREATE TABLE with `id`, the given declared columns, and the system columns; plus its indexes. */
export async function createDataTable(db: Kysely<any>, engine: Engine, table: DataTable, columns: readonly DataColumn[]): Promise<void> {
  let builder = db.schema.createTable(table.name).addColumn('id', 'text', (col) => bytewise(engine, 'text')(col).primaryKey().notNull());
  for (const column of columns) builder = builder.addColumn(column.name, storageType(column.type), columnDefinition(engine, column));
  await builder
    .addColumn('createdon', 'bigint', (col) => col.notNull())
    .addColumn('modifiedon', 'bigint', (col) => col.notNull())
    .addColumn('rowversion', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex(indexName(table.name, CREATED_ORDER)).on(table.name).columns([...CREATED_ORDER]).execute();
  for (const column of columns) await indexLookup(db, table.name, column);
}

/** ALTER TABLE ADD COLUMN (nullable; a lookup gets its foreign key, whose default is NULL, and an index). */
export async function addDataColumn(db: Kysely<any>, engine: Engine, table: string, column: DataColumn): Promise<void> {
  await db.schema.alterTable(table).addColumn(column.name, storageType(column.type), columnDefinition(engine, column)).execute();
  await indexLookup(db, table, column);
}

async function indexLookup(db: Kysely<any>, table: string, column: DataColumn): Promise<void> {
  if (column.target === undefined) return;
  await db.schema.createIndex(indexName(table, [column.name])).on(table).column(column.name).execute();
}

/** ALTER TABLE DROP COLUMN, after its indexes (SQLite refuses to drop an indexed column). */
export async function dropDataColumn(db: Kysely<any>, table: string, column: string): Promise<void> {
  await dropIndex(db, indexName(table, [column]));
  await dropIndex(db, sortIndexName(table, column));
  await dropIndex(db, relationshipIndexName(table, column));
  await dropIndex(db, indexName(table, [column, 'id'], 'rx'));
  await db.schema.alterTable(table).dropColumn(column).execute();
}

export async function dropDataTable(db: Kysely<any>, table: string): Promise<void> {
  await db.schema.dropTable(table).execute();
}
