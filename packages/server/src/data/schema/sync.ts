import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { PortalModel } from '@portalkit/core';
import type { Database } from '../../storage/database.js';
import type { Engine } from '../../storage/engine.js';
import { DATA_SYSTEM_COLUMNS, dataTables } from './data-table.js';
import { addDataColumn, createDataTable, dropDataColumn, dropDataTable } from './schema-ddl.js';
import { SchemaChangeRefused, SchemaConflict } from './schema-errors.js';
import { reconcileRelationshipIndexes } from './relationship-indexes.js';
import { reconcileSortIndexes } from './sort-indexes.js';
import { planSchemaSync, recordOf } from './schema-plan.js';
import type { SchemaPlan } from './schema-plan.js';
import {
  ensureSchemaRecord,
  forgetColumn,
  forgetTable,
  readSchemaRecord,
  recordColumns,
  SCHEMA_RECORD_TABLE,
  SYSTEM_TYPE,
  updateRecordedColumn,
} from './schema-record.js';
import type { RecordedColumn, SchemaRecord } from './schema-record.js';

/** What a sync did. All empty when the database already matched the configuration. */
export interface SchemaSyncReport {
  /** Config tables created, in creation order. */
  readonly created: string[];
  /** `table.column`: columns added to tables that already existed (and replaced columns, re-added). */
  readonly addedColumns: string[];
  /** Tables (`table`) and columns (`table.column`) no longer declared, kept with their data. */
  readonly retained: string[];
  /** Tables and columns dropped with their data (only with `allowDestructive`). */
  readonly dropped: string[];
  /** `table.column: from → to`: type changes that keep the stored values (among string, text, choice). */
  readonly retyped: string[];
  /** `table.column`: sort indexes created for `sortable` columns. */
  readonly indexed: string[];
  /** Sort indexes dropped because their column is no longer `sortable` (indexes hold no data). */
  readonly unindexed: string[];
  /** `table.column`: relationship indexes created (lookups `parent` scopes go through, columns they start from). */
  readonly relationshipIndexed: string[];
  /** Relationship indexes dropped because no `parent`-scope permission needs them any more. */
  readonly relationshipUnindexed: string[];
}

export interface SchemaSyncOptions {
  /**
   * Apply changes that lose data: drop tables and columns the configuration no longer declares, and
   * drop and recreate columns whose type or lookup target changed. Off by default: without it those
   * tables and columns are kept (`retained`) and a type change is refused.
   */
  readonly allowDestructive?: boolean;
}

/**
 * Brings the physical data tables in line with the configuration's tables: creates new config tables
 * (lookup targets first; lookups within a cycle of new tables added once all exist), adds new columns
 * (config columns of `contact`/`account` included) with an index on every lookup and a (column, id)
 * index on every `sortable` column ({@link reconcileSortIndexes}) and the indexes `parent` scopes
 * read ({@link reconcileRelationshipIndexes}), and records what it made in `pk_data_columns`. It
 * never drops data unless `allowDestructive` is set, and refuses a type change without it
 * ({@link SchemaChangeRefused}). The built-in tables come from migrations: this
 * never creates or drops them, only their config columns.
 *
 * One transaction (DDL is transactional on SQLite and PostgreSQL): a failed or refused sync changes
 * nothing. Serialised across processes (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock), so a
 * server and a CLI command starting together agree. Running it again with the same model does nothing.
 */
export async function syncDataTables(
  db: Kysely<Database>,
  engine: Engine,
  model: PortalModel,
  options: SchemaSyncOptions = {},
): Promise<SchemaSyncReport> {
  const allowDestructive = options.allowDestructive === true;
  return inSchemaTransaction(db as Kysely<any>, engine, async (trx) => {
    await ensureSchemaRecord(trx);
    const record = await readSchemaRecord(trx);
    const declared = dataTables(model);
    const plan = planSchemaSync(record, declared);
    if (plan.replaced.length > 0 && !allowDestructive) throw new SchemaChangeRefused(plan.replaced.map((replacement) => replacement.change));
    const conflicts = checkAgainstDatabase(plan, record, declared, await physicalColumns(trx, engine));
    if (conflicts.length > 0) throw new SchemaConflict(conflicts);
    const report = await applyPlan(trx, engine, plan, allowDestructive);
    return {
      ...report,
      ...(await reconcileSortIndexes(trx, engine, declared)),
      ...(await reconcileRelationshipIndexes(trx, engine, model, declared)),
    };
  });
}

type TableChanges = Omit<SchemaSyncReport, 'indexed' | 'unindexed' | 'relationshipIndexed' | 'relationshipUnindexed'>;

async function applyPlan(db: Kysely<any>, engine: Engine, plan: SchemaPlan, allowDestructive: boolean): Promise<TableChanges> {
  const now = Date.now();
  const report: TableChanges = { created: [], addedColumns: [], retained: [], dropped: [], retyped: [] };
  const undeclared = [...plan.undeclaredTables.map(({ table }) => table), ...plan.undeclaredColumns.map(qualified)];

  if (allowDestructive) {
    // Drop first: a dropped or replaced lookup may point into a table about to go.
    for (const { from } of plan.replaced) {
      await dropDataColumn(db, from.table, from.column);
      await forgetColumn(db, from.table, from.column);
      report.dropped.push(qualified(from));
    }
    for (const column of plan.undeclaredColumns) {
      await dropDataColumn(db, column.table, column.column);
      await forgetColumn(db, column.table, column.column);
    }
    // Lookups among the tables going away (a cycle, a self-reference) would block DROP TABLE: the
    // foreign key on PostgreSQL, ON DELETE RESTRICT on SQLite's implicit DELETE. Drop them first.
    const going = new Set(plan.undeclaredTables.map(({ table }) => table));
    for (const { table, columns } of plan.undeclaredTables) {
      for (const column of columns) {
        if (column.type === 'lookup' && column.target !== null && going.has(column.target)) await dropDataColumn(db, table, column.column);
      }
    }
    for (const { table } of plan.undeclaredTables) {
      await dropDataTable(db, table);
      await forgetTable(db, table);
    }
    report.dropped.push(...undeclared);
  } else {
    report.retained.push(...undeclared);
  }

  for (const { table, inline } of plan.newTables) {
    await createDataTable(db, engine, table, inline);
    report.created.push(table.name);
  }
  const newTableColumns = plan.newTables.flatMap(({ table, inline, deferred }) => [
    ...DATA_SYSTEM_COLUMNS.map((column): RecordedColumn => ({ table: table.name, column, type: SYSTEM_TYPE, target: null, builtIn: false })),
    ...[...inline, ...deferred].map((column) => recordOf(table.name, column)),
  ]);
  for (const { table, deferred } of plan.newTables) {
    for (const column of deferred) await addDataColumn(db, engine, table.name, column);
  }
  for (const { table, column } of plan.newColumns) {
    await addDataColumn(db, engine, table, column);
    report.addedColumns.push(`${table}.${column.name}`);
  }
  for (const { from, to } of plan.replaced) {
    await addDataColumn(db, engine, from.table, to);
    report.addedColumns.push(qualified(from));
  }
  for (const { from, to } of plan.retyped) {
    await updateRecordedColumn(db, recordOf(from.table, to));
    report.retyped.push(`${qualified(from)}: ${from.type} → ${to.type}`);
  }
  await recordColumns(
    db,
    [
      ...plan.builtInRecords,
      ...newTableColumns,
      ...plan.newColumns.map(({ table, column }) => recordOf(table, column)),
      ...plan.replaced.map(({ from, to }) => recordOf(from.table, to)),
    ],
    now,
  );
  return report;
}

function qualified(column: RecordedColumn): string {
  return `${column.table}.${column.column}`;
}

/**
 * What the plan assumes about the database, checked before any change: tables and columns it would
 * create do not exist yet (a table someone made by hand, or an internal column such as
 * `contact.username_key` declared in the configuration, must not be adopted and exposed), and the
 * recorded ones it relies on are still there.
 */
function checkAgainstDatabase(
  plan: SchemaPlan,
  record: SchemaRecord,
  declared: ReturnType<typeof dataTables>,
  physical: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const conflicts: string[] = [];
  for (const { table } of plan.newTables) {
    if (physical.has(table.name)) {
      conflicts.push(
        `Table ${table.name} already exists in the database, but PortalKit did not create it (it is not in ${SCHEMA_RECORD_TABLE}); rename the table in the configuration, or move the existing table out of the way.`,
      );
    }
  }
  for (const { table, column } of plan.newColumns) {
    if (physical.get(table)?.has(column.name)) {
      conflicts.push(
        `Column ${table}.${column.name} already exists in the database, but PortalKit did not create it from the configuration (it may be an internal column); rename the column in the configuration.`,
      );
    }
  }
  for (const table of declared.values()) {
    if (table.builtIn ? !physical.has(table.name) : record.has(table.name) && !physical.has(table.name)) {
      conflicts.push(`Table ${table.name} is missing from the database, though PortalKit ${table.builtIn ? 'migrated' : 'created'} it.`);
      continue;
    }
    for (const column of table.columns.values()) {
      if (record.get(table.name)?.has(column.name) && !physical.get(table.name)?.has(column.name)) {
        conflicts.push(`Column ${table.name}.${column.name} is missing from the database, though PortalKit recorded it.`);
      }
    }
  }
  return conflicts;
}

/** Table → column names, as the database has them now (PostgreSQL: in the current schema). */
async function physicalColumns(db: Kysely<any>, engine: Engine): Promise<Map<string, Set<string>>> {
  const schema =
    engine === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const tables = new Map<string, Set<string>>();
  // Kysely's own tables too: a config table named `kysely_migration` must meet a clear refusal.
  for (const table of await db.introspection.getTables({ withInternalKyselyTables: true })) {
    if (schema !== undefined && table.schema !== schema) continue;
    tables.set(table.name, new Set(table.columns.map((column) => column.name)));
  }
  return tables;
}

/**
 * One transaction, taken for writing from the start so two processes syncing at once run one after
 * the other (the second then finds nothing to do) instead of failing half-way on a lock upgrade.
 */
async function inSchemaTransaction<T>(db: Kysely<any>, engine: Engine, work: (trx: Kysely<any>) => Promise<T>): Promise<T> {
  if (engine === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('portalkit:data-schema'))`.execute(trx);
      return work(trx);
    });
  }
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      // SQLite rolls some failures back by itself; a failing ROLLBACK must not hide the real error.
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
    await sql`commit`.execute(connection);
    return result;
  });
}
