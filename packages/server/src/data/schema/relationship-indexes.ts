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
 * Makes the relationship indexes match the configuration, so that every step of a `parent` scope reads
 * indexes only: (lookup, createdon, id) on every lookup that a `parent`-scope table permission goes
 * through (its `relationship`, see {@link relationshipIndexName}), and (column, id) on the contact or
 * account column of a permission such a chain starts from. Derived from the permissions rather than
 * declared on columns: a lookup no permission goes through needs only its plain lookup index, and one
 * that a new permission starts using gets its index at the next start. Creates the missing ones and
 * drops those no permission needs any more (an index holds no data). Only indexes with the
 * relationship prefix are touched. Runs inside the schema sync's transaction, after columns were
 * added or dropped.
 */
export async function reconcileRelationshipIndexes(
  db: Kysely<any>,
  engine: Engine,
  model: PortalModel,
  declared: ReadonlyMap<string, DataTable>,
): Promise<RelationshipIndexChanges> {
  const wanted = new Map<string, WantedIndex>();
  const want = (table: string, columns: readonly string[]): void => {
    // The validated configuration guarantees these columns; checked again so a bad model cannot make DDL.
    const declaredTable = declared.get(table);
    if (!declaredTable || !columns.every((column) => column === 'id' || column === 'createdon' || declaredTable.columns.has(column))) return;
    wanted.set(indexName(table, columns, 'rx'), { table, columns });
  };
  for (const permission of model.tablePermissions) {
    const grant = permission.grant;
    if (grant.scope !== 'parent') continue;
    // The child side: `relationship IN (parent ids)`, ordered newest first.
    want(permission.table, [grant.relationship, ...CREATED_ORDER]);
    // The parent side: the parent ids of a contact or account scope, `SELECT id … WHERE column = ?`,
    // from the index alone. (A parent that is itself a parent scope has its own child-side index,
    // which holds `id` too; a global parent needs no subquery; `self` and an account's own row are
    // found by `id`.) A sortable column's (column, id) sort index already does this.
    const parent = grant.parent;
    if ((parent.scope === 'contact' || parent.scope === 'account') && parent.column !== 'id') {
      if (!declared.get(grant.table)?.columns.get(parent.column)?.sortable) want(grant.table, [parent.column, 'id']);
    }
  }
  const { created, dropped } = await reconcilePrefixedIndexes(db, engine, RELATIONSHIP_INDEX_PREFIX, wanted);
  return { relationshipIndexed: created, relationshipUnindexed: dropped };
}
