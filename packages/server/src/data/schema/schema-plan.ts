import { BUILT_IN_TABLE_CONFIGS } from '@portalkit/core';
import type { ColumnType } from '@portalkit/core';
import { keepsStoredData } from './column-storage.js';
import { DATA_SYSTEM_COLUMNS } from './data-table.js';
import type { DataColumn, DataTable } from './data-table.js';
import type { RefusedChange } from './schema-errors.js';
import { SYSTEM_TYPE } from './schema-record.js';
import type { RecordedColumn, SchemaRecord } from './schema-record.js';

/** A config table to create: columns created with it, and lookups added once their target exists. */
export interface NewTable {
  readonly table: DataTable;
  readonly inline: readonly DataColumn[];
  /** Lookups into a table created after this one (a cycle between new tables): added by ALTER TABLE. */
  readonly deferred: readonly DataColumn[];
}

/** A column on a table that already exists. */
export interface ColumnChange {
  readonly table: string;
  readonly column: DataColumn;
}

/** A recorded column whose declaration changed. */
export interface RetypedColumn {
  readonly from: RecordedColumn;
  readonly to: DataColumn;
}

export interface ReplacedColumn extends RetypedColumn {
  readonly change: RefusedChange;
}

/**
 * What it takes to bring the database from the record to the declared tables. Pure: computed without
 * touching the database, then applied (or refused) as a whole.
 */
export interface SchemaPlan {
  /** In creation order: a lookup's target before the lookup, where no cycle prevents it. */
  readonly newTables: readonly NewTable[];
  /** Declared columns of existing tables (config tables and config columns of built-in ones). */
  readonly newColumns: readonly ColumnChange[];
  /** Type changes that keep the stored values (e.g. choice → string): only the record changes. */
  readonly retyped: readonly RetypedColumn[];
  /** Type or lookup-target changes that need the column dropped and recreated. */
  readonly replaced: readonly ReplacedColumn[];
  /** Recorded config columns of declared tables that the configuration no longer declares. */
  readonly undeclaredColumns: readonly RecordedColumn[];
  /** Recorded config tables the configuration no longer declares, with their recorded columns. */
  readonly undeclaredTables: readonly { readonly table: string; readonly columns: readonly RecordedColumn[] }[];
  /** Columns of the built-in tables (from migrations) not recorded yet. */
  readonly builtInRecords: readonly RecordedColumn[];
}

const BUILT_INS = BUILT_IN_TABLE_CONFIGS as Readonly<Record<string, { readonly columns: Readonly<Record<string, unknown>> }>>;
const SYSTEM = new Set<string>(DATA_SYSTEM_COLUMNS);

/** Compares the declared data tables with the record of what exists. */
export function planSchemaSync(record: SchemaRecord, declared: ReadonlyMap<string, DataTable>): SchemaPlan {
  const newColumns: ColumnChange[] = [];
  const retyped: RetypedColumn[] = [];
  const replaced: ReplacedColumn[] = [];
  const undeclaredColumns: RecordedColumn[] = [];
  const builtInRecords: RecordedColumn[] = [];
  const newTables: DataTable[] = [];

  for (const table of declared.values()) {
    const recorded = record.get(table.name);
    if (table.builtIn) {
      builtInRecords.push(...missingBuiltInRecords(table, recorded));
    } else if (!recorded) {
      newTables.push(table);
      continue;
    }
    for (const column of table.columns.values()) {
      if (isBuiltInColumn(table.name, column.name)) continue;
      const before = recorded?.get(column.name);
      if (!before) newColumns.push({ table: table.name, column });
      else if (sameDeclaration(before, column)) continue;
      else if (before.type !== SYSTEM_TYPE && before.target === null && column.target === undefined && keepsStoredData(before.type, column.type)) {
        retyped.push({ from: before, to: column });
      } else {
        replaced.push({ from: before, to: column, change: refusedChange(before, column) });
      }
    }
    for (const before of recorded?.values() ?? []) {
      if (!before.builtIn && before.type !== SYSTEM_TYPE && !table.columns.has(before.column)) undeclaredColumns.push(before);
    }
  }

  const undeclaredTables = [...record.entries()]
    .filter(([name]) => !declared.has(name))
    .map(([table, columns]) => ({ table, columns: [...columns.values()] }));

  const existing = new Set([...record.keys(), ...[...declared.values()].filter((table) => table.builtIn).map((table) => table.name)]);
  return {
    newTables: creationOrder(newTables, existing),
    newColumns,
    retyped,
    replaced,
    undeclaredColumns,
    undeclaredTables,
    builtInRecords,
  };
}

/**
 * Orders new tables so each lookup's target exists before the lookup: repeatedly the first table (in
 * declaration order) whose targets all exist. Tables in a cycle cannot all go first; the first of them
 * is created without its lookups into tables still to come, which are added once every table exists.
 * A lookup to its own table is created inline (both engines accept that).
 */
function creationOrder(tables: readonly DataTable[], existing: ReadonlySet<string>): NewTable[] {
  const ready = new Set(existing);
  const remaining = [...tables];
  const ordered: NewTable[] = [];
  const resolvable = (table: DataTable, column: DataColumn) =>
    column.target === undefined || column.target === table.name || ready.has(column.target);
  while (remaining.length > 0) {
    const index = Math.max(
      0,
      remaining.findIndex((table) => [...table.columns.values()].every((column) => resolvable(table, column))),
    );
    const [table] = remaining.splice(index, 1) as [DataTable];
    const columns = [...table.columns.values()];
    ordered.push({
      table,
      inline: columns.filter((column) => resolvable(table, column)),
      deferred: columns.filter((column) => !resolvable(table, column)),
    });
    ready.add(table.name);
  }
  return ordered;
}

function missingBuiltInRecords(table: DataTable, recorded: ReadonlyMap<string, RecordedColumn> | undefined): RecordedColumn[] {
  const missing: RecordedColumn[] = [];
  for (const column of DATA_SYSTEM_COLUMNS) {
    if (!recorded?.has(column)) missing.push({ table: table.name, column, type: SYSTEM_TYPE, target: null, builtIn: true });
  }
  for (const column of table.columns.values()) {
    if (isBuiltInColumn(table.name, column.name) && !recorded?.has(column.name)) {
      missing.push({ ...recordOf(table.name, column), builtIn: true });
    }
  }
  return missing;
}

function isBuiltInColumn(table: string, column: string): boolean {
  return SYSTEM.has(column) || (Object.hasOwn(BUILT_INS, table) && Object.hasOwn(BUILT_INS[table]?.columns ?? {}, column));
}

/** The record a declared config column gets. */
export function recordOf(table: string, column: DataColumn): RecordedColumn {
  return { table, column: column.name, type: column.type, target: column.target ?? null, builtIn: false };
}

function sameDeclaration(before: RecordedColumn, column: DataColumn): boolean {
  return before.type === column.type && before.target === (column.target ?? null);
}

function describe(type: ColumnType | typeof SYSTEM_TYPE, target: string | null | undefined): string {
  return type === 'lookup' ? `lookup (to ${target ?? '?'})` : type;
}

function refusedChange(before: RecordedColumn, column: DataColumn): RefusedChange {
  const from = describe(before.type, before.target);
  const to = describe(column.type, column.target);
  const what =
    before.type === 'lookup' && column.type === 'lookup'
      ? `changes its lookup target from ${before.target ?? '?'} to ${column.target ?? '?'}`
      : `changes type from ${from} to ${to}`;
  return {
    table: before.table,
    column: before.column,
    from,
    to,
    sentence: `Column ${before.table}.${before.column} ${what}; applying it needs --allow-destructive, which drops and recreates the column and LOSES its data.`,
  };
}
