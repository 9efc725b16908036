import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { TEST_ENGINE } from './test-database.js';

/**
 * What the database's catalog says, in one shape for both engines, so schema tests assert the same
 * things on SQLite (pragmas, sqlite_master) and PostgreSQL (the catalog of the current schema).
 */

export interface PhysicalColumn {
  /** The declared type, lower case: text, bigint, integer, double precision. */
  readonly type: string;
  readonly notnull: number;
  readonly pk: number;
  readonly dflt_value: string | null;
}

/** Column name → its definition, in table order. */
export async function columnsOf(db: Kysely<any>, table: string): Promise<Map<string, PhysicalColumn>> {
  if (TEST_ENGINE === 'postgres') {
    const { rows } = await sql<{ name: string; type: string; notnull: boolean; pk: boolean; dflt_value: string | null }>`
      select a.attname as name, format_type(a.atttypid, null) as type, a.attnotnull as notnull,
             exists (select 1 from pg_index i where i.indrelid = a.attrelid and i.indisprimary and a.attnum = any (i.indkey)) as pk,
             pg_get_expr(d.adbin, d.adrelid) as dflt_value
        from pg_attribute a
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       where a.attrelid = to_regclass(quote_ident(${table})) and a.attnum > 0 and not a.attisdropped
       order by a.attnum`.execute(db);
    return new Map(rows.map(({ name, type, notnull, pk, dflt_value }) => [name, { type, notnull: notnull ? 1 : 0, pk: pk ? 1 : 0, dflt_value }]));
  }
  const { rows } = await sql<PhysicalColumn & { name: string }>`select name, type, "notnull", pk, dflt_value from pragma_table_info(${table})`.execute(db);
  // SQLite spells some declared types in capitals (TEXT, INTEGER) and keeps others as written.
  return new Map(rows.map(({ name, ...column }) => [name, { ...column, type: column.type.toLowerCase() }]));
}

const ON_DELETE: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** The table's foreign keys, by column. */
export async function foreignKeys(db: Kysely<any>, table: string): Promise<{ from: string; table: string; to: string; on_delete: string }[]> {
  if (TEST_ENGINE === 'postgres') {
    const { rows } = await sql<{ from: string; table: string; to: string; action: string }>`
      select a.attname as "from", t.relname as "table", ta.attname as "to", c.confdeltype as action
        from pg_constraint c
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        join pg_class t on t.oid = c.confrelid
        join pg_attribute ta on ta.attrelid = c.confrelid and ta.attnum = c.confkey[1]
       where c.contype = 'f' and c.conrelid = to_regclass(quote_ident(${table}))
       order by 1`.execute(db);
    return rows.map(({ action, ...key }) => ({ ...key, on_delete: ON_DELETE[action] ?? action }));
  }
  const { rows } = await sql<{ from: string; table: string; to: string; on_delete: string }>`
    select "from", "table", "to", on_delete from pragma_foreign_key_list(${table}) order by "from"`.execute(db);
  return rows;
}

/** Index name → its columns: indexes made by CREATE INDEX, not those behind a primary key or unique constraint. */
export async function indexesOf(db: Kysely<any>, table: string): Promise<Map<string, string[]>> {
  if (TEST_ENGINE === 'postgres') {
    const { rows } = await sql<{ name: string; columns: string[] }>`
      select ic.relname as name,
             array(select a.attname::text from unnest(i.indkey) with ordinality k(attnum, ord)
                     join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.ord) as columns
        from pg_index i join pg_class ic on ic.oid = i.indexrelid
       where i.indrelid = to_regclass(quote_ident(${table}))
         and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
       order by ic.oid`.execute(db);
    return new Map(rows.map((row) => [row.name, row.columns]));
  }
  const { rows } = await sql<{ name: string; origin: string }>`select name, origin from pragma_index_list(${table})`.execute(db);
  const indexes = new Map<string, string[]>();
  for (const { name, origin } of rows) {
    if (origin !== 'c') continue; // created by CREATE INDEX (not a primary key or unique constraint)
    const info = await sql<{ name: string }>`select name from pragma_index_info(${name}) order by seqno`.execute(db);
    indexes.set(name, info.rows.map((column) => column.name));
  }
  return indexes;
}

export async function tableExists(db: Kysely<any>, table: string): Promise<boolean> {
  const { rows } =
    TEST_ENGINE === 'postgres'
      ? await sql`select 1 from pg_tables where schemaname = current_schema() and tablename = ${table}`.execute(db)
      : await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  return rows.length === 1;
}

/** Every schema object's definition: two equal snapshots mean no DDL ran in between. */
export async function schemaSnapshot(db: Kysely<any>): Promise<string> {
  if (TEST_ENGINE === 'postgres') {
    const columns = await sql`
      select table_name, column_name, data_type, is_nullable, column_default, collation_name from information_schema.columns
       where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
    const indexes = await sql`select indexname, indexdef from pg_indexes where schemaname = current_schema() order by indexname`.execute(db);
    const constraints = await sql`
      select conname, pg_get_constraintdef(oid) as def from pg_constraint
       where connamespace = current_schema()::regnamespace order by conname`.execute(db);
    return JSON.stringify([columns.rows, indexes.rows, constraints.rows]);
  }
  const { rows } = await sql<{ type: string; name: string; sql: string | null }>`select type, name, sql from sqlite_master order by type, name`.execute(db);
  return JSON.stringify(rows);
}

/** `type name` of every table and index (SQLite's internal ones and PostgreSQL's catalogs aside). */
export async function schemaObjects(db: Kysely<any>): Promise<string[]> {
  if (TEST_ENGINE === 'postgres') {
    const { rows } = await sql<{ type: string; name: string }>`
      select case c.relkind when 'r' then 'table' when 'i' then 'index' else c.relkind::text end as type, c.relname as name
        from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'i')
       order by c.relname`.execute(db);
    return rows.map((row) => `${row.type} ${row.name}`);
  }
  const rows = await db.selectFrom('sqlite_master').select(['type', 'name']).orderBy('name').execute();
  return rows.map((row) => `${row.type} ${row.name}`);
}

/**
 * The engine's own consistency check: SQLite's integrity_check; on PostgreSQL (which has no such
 * statement without extensions) every table of the schema is read through, which fails on a broken one.
 */
export async function integrityCheck(db: Kysely<any>): Promise<string> {
  if (TEST_ENGINE === 'postgres') {
    const tables = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db);
    for (const { name } of tables.rows) await db.selectFrom(name).select((eb) => eb.fn.countAll().as('n')).execute();
    return 'ok';
  }
  const result = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
  return result.rows.map((row) => row.integrity_check).join('\n');
}

/** The step of a query plan that sorts rows (no index gave the order). */
export const SORT_STEP: RegExp = TEST_ENGINE === 'postgres' ? /(^|\s)Sort\s/ : /USE TEMP B-TREE FOR ORDER BY/;

/**
 * The plan of `query` as one string. On PostgreSQL sorting is priced out (SET LOCAL, this transaction
 * only): a test table holds a handful of rows, which the planner would rather sort in memory than read
 * through an index, while the question is whether an index that gives the order exists and is usable.
 */
export async function queryPlan(db: Kysely<any>, query: ReturnType<typeof sql>): Promise<string> {
  if (TEST_ENGINE === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`set local enable_sort = off`.execute(trx);
      const plan = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(trx);
      return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }
  const plan = await sql<{ detail: string }>`explain query plan ${query}`.execute(db);
  return plan.rows.map((row) => row.detail).join(' | ');
}
