import type { ColumnType } from '@portalkit/core';
import type { Kysely } from 'kysely';

/** The record table: one row per physical column the data-schema sync manages or knows about. */
export const SCHEMA_RECORD_TABLE = 'pk_data_columns';

/** Recorded type of the system columns (`id`, `createdon`, `modifiedon`, `rowversion`). */
export const SYSTEM_TYPE = 'system';

export interface SchemaRecordTables {
  pk_data_columns: {
    table_name: string;
    column_name: string;
    /** A {@link ColumnType}, or `system`. */
    type: string;
    /** A lookup's target table. */
    target: string | null;
    /** 1 for columns of the built-in tables that come from migrations, not from the configuration. */
    built_in: number;
    created_at: number;
  };
}

/** One column as the record knows it. */
export interface RecordedColumn {
  readonly table: string;
  readonly column: string;
  readonly type: ColumnType | typeof SYSTEM_TYPE;
  readonly target: string | null;
  readonly builtIn: boolean;
}

/** Table → column → record. */
export type SchemaRecord = ReadonlyMap<string, ReadonlyMap<string, RecordedColumn>>;

type RecordDb = Kysely<SchemaRecordTables>;

/**
 * Creates the record table when missing. It lives apart from the migrations because it describes what
 * the configuration made, and a configuration can change without a new server version.
 */
export async function ensureSchemaRecord(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable(SCHEMA_RECORD_TABLE)
    .ifNotExists()
    .addColumn('table_name', 'text', (col) => col.notNull())
    .addColumn('column_name', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('target', 'text')
    .addColumn('built_in', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('pk_data_columns_pk', ['table_name', 'column_name'])
    .execute();
}

export async function readSchemaRecord(db: Kysely<any>): Promise<SchemaRecord> {
  const rows = await (db as RecordDb)
    .selectFrom('pk_data_columns')
    .select(['table_name', 'column_name', 'type', 'target', 'built_in'])
    .orderBy('table_name')
    .orderBy('column_name')
    .execute();
  const record = new Map<string, Map<string, RecordedColumn>>();
  for (const row of rows) {
    let columns = record.get(row.table_name);
    if (!columns) record.set(row.table_name, (columns = new Map()));
    columns.set(row.column_name, {
      table: row.table_name,
      column: row.column_name,
      type: row.type as RecordedColumn['type'],
      target: row.target,
      builtIn: Number(row.built_in) === 1,
    });
  }
  return record;
}

export async function recordColumns(db: Kysely<any>, columns: readonly RecordedColumn[], now: number): Promise<void> {
  for (const column of columns) {
    await (db as RecordDb)
      .insertInto('pk_data_columns')
      .values({
        table_name: column.table,
        column_name: column.column,
        type: column.type,
        target: column.target,
        built_in: column.builtIn ? 1 : 0,
        created_at: now,
      })
      .execute();
  }
}

export async function updateRecordedColumn(db: Kysely<any>, column: RecordedColumn): Promise<void> {
  await (db as RecordDb)
    .updateTable('pk_data_columns')
    .set({ type: column.type, target: column.target, built_in: column.builtIn ? 1 : 0 })
    .where('table_name', '=', column.table)
    .where('column_name', '=', column.column)
    .execute();
}

export async function forgetColumn(db: Kysely<any>, table: string, column: string): Promise<void> {
  await (db as RecordDb).deleteFrom('pk_data_columns').where('table_name', '=', table).where('column_name', '=', column).execute();
}

export async function forgetTable(db: Kysely<any>, table: string): Promise<void> {
  await (db as RecordDb).deleteFrom('pk_data_columns').where('table_name', '=', table).execute();
}
