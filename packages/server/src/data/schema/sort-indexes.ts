import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Engine } from '../../storage/engine.js';
import type { DataTable } from './data-table.js';
import { createSortIndex, dropIndex, SORT_INDEX_PREFIX, sortIndexName } from './schema-ddl.js';

/** What reconciling the sort indexes did: `table.column` created, index names dropped. */
export interface SortIndexChanges {
  readonly indexed: string[];
  readonly unindexed: string[];
}

/**
 * Makes the sort indexes match the declaration: (column, id) for every `sortable` column. Creates the
 * missing ones, drops those no longer declared (an index holds no data, so this is never destructive).
 * Only indexes with the sort prefix are touched; lookup and built-in indexes are not this function's.
 * Runs inside the schema sync's transaction, after columns were added or dropped.
 */
export async function reconcileSortIndexes(
  db: Kysely<any>,
  engine: Engine,
  declared: ReadonlyMap<string, DataTable>,
): Promise<SortIndexChanges> {
  const wanted = new Map<string, WantedIndex>();
  for (const table of declared.values()) {
    for (const column of table.columns.values()) {
      if (column.sortable) wanted.set(sortIndexName(table.name, column.name), { table: table.name, columns: [column.name, 'id'] });
    }
  }
  const { created, dropped } = await reconcilePrefixedIndexes(db, engine, SORT_INDEX_PREFIX, wanted);
  return { indexed: created, unindexed: dropped };
}

/** An index the sync wants: on `table`, over `columns`. */
export interface WantedIndex {
  readonly table: string;
  readonly columns: readonly string[];
}

/**
 * Makes the indexes whose names start with `prefix` exactly `wanted` (by name): drops the others with
 * that prefix, creates the missing ones. Returns `table.column` (the first column) for each created
 * index and the names of the dropped ones. Indexes without the prefix are never looked at.
 */
export async function reconcilePrefixedIndexes(
  db: Kysely<any>,
  engine: Engine,
  prefix: string,
  wanted: ReadonlyMap<string, WantedIndex>,
): Promise<{ created: string[]; dropped: string[] }> {
  const existing = await existingIndexes(db, engine, prefix);
  const changes = { created: [] as string[], dropped: [] as string[] };
  for (const name of existing) {
    if (wanted.has(name)) continue;
    await dropIndex(db, name);
    changes.dropped.push(name);
  }
  for (const [name, { table, columns }] of wanted) {
    if (existing.has(name)) continue;
    await createSortIndex(db, name, table, columns);
    changes.created.push(`${table}.${columns[0]}`);
  }
  return changes;
}

async function existingIndexes(db: Kysely<any>, engine: Engine, prefix: string): Promise<Set<string>> {
  const pattern = `${prefix.replaceAll('_', '\\_')}%`;
  const rows =
    engine === 'postgres'
      ? await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname like ${pattern} escape '\\'`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name like ${pattern} escape '\\'`.execute(db);
  return new Set(rows.rows.map((row) => row.name));
}
