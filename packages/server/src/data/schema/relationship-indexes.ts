import type { Kysely } from 'kysely';
import type { PortalModel } from '@portalkit/core';
import type { Engine } from '../../storage/engine.js';
import type { DataTable } from './data-table.js';
import { CREATED_ORDER, indexName, RELATIONSHIP_INDEX_PREFIX } from './schema-ddl.js';
import { reconcilePrefixedIndexes } from './sort-indexes.js';
import type { WantedIndex } from './sort-indexes.js';

/** What reconciling the relationship indexes did: `table.lookup` created, index names dropped. */
export interface RelationshipIndexChanges {
  readonly relationshipIndexed: string[];
  readonly relationshipUnindexed: string[];
}

/**
 * Makes the relationship and scope indexes match the configuration, so that a scoped list reads indexes
 * in its default order (newest first) rather than collecting and sorting every row in scope:
 *
 * - (lookup, createdon, id) on every lookup a `parent`-scope permission goes through (its
 *   `relationship`, see {@link relationshipIndexName}): the child side of `lookup IN (parent ids)`;
 * - (column, createdon, id) on the contact or account column of every `contact`- or `account`-scope
 *   permission: `column = ?` newest first reads it in order and stops after a page (each way of a scope
 *   reached several ways is paged alone, see the list statement), and the parent ids a `parent` chain
 *   starts from, `SELECT id … WHERE column = ?`, come from it alone.
 *
 * Derived from the permissions rather than declared on columns: a column no permission scopes by needs
 * only its plain lookup index, and one that a new permission starts using gets its index at the next
 * start. Creates the missing ones and drops those no permission needs any more (an index holds no
 * data). Only indexes with the relationship prefix are touched. Runs inside the schema sync's
 * transaction, after columns were added or dropped.
 */
export async function reconcileRelationshipIndexes(
  db: Kysely<any>,
  engine: Engine,
  model: PortalModel,
  declared: ReadonlyMap<string, DataTable>,
): Promise<RelationshipIndexChanges> {
  const wanted = new Map<string, WantedIndex>();
  const want = (table: string, column: string): void => {
    // The validated configuration guarantees these columns; checked again so a bad model cannot make DDL.
    if (!declared.get(table)?.columns.has(column)) return;
    const columns = [column, ...CREATED_ORDER];
    wanted.set(indexName(table, columns, 'rx'), { table, columns });
  };
  for (const { table, grant } of model.tablePermissions) {
    if (grant.scope === 'parent') want(table, grant.relationship);
    // An account's own row (`id = ?`) and `self` are found by the primary key.
    else if (grant.scope === 'contact' || (grant.scope === 'account' && grant.column !== 'id')) want(table, grant.column);
  }
  const { created, dropped } = await reconcilePrefixedIndexes(db, engine, RELATIONSHIP_INDEX_PREFIX, wanted);
  return { relationshipIndexed: created, relationshipUnindexed: dropped };
}
