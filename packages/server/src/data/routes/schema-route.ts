import type { FastifyInstance } from 'fastify';
import { PRIVILEGES } from '@portalkit/core';
import type { Privilege, SchemaColumn, TableSchema } from '@portalkit/core';
import type { ServerContext } from '../../app/context.js';
import { Problem } from '../../http/problem.js';
import type { DataColumn } from '../schema/data-table.js';
import { hasGlobalGrant, ownershipColumns, tableParams, tableRequest } from './table-request.js';
import type { TableRequest } from './table-request.js';

/**
 * The system columns every row carries: readable with the row, never writable. `createdon` and
 * `modifiedon` are ISO-8601 strings in rows and sort like any timestamp.
 */
const SYSTEM_COLUMNS: readonly SchemaColumn[] = [
  { name: 'id', displayName: 'ID', type: 'string', required: false, searchable: false, sortable: false, create: false, update: false },
  { name: 'createdon', displayName: 'Created on', type: 'datetime', required: false, searchable: false, sortable: true, create: false, update: false },
  { name: 'modifiedon', displayName: 'Modified on', type: 'datetime', required: false, searchable: false, sortable: true, create: false, update: false },
];

/**
 * The same answer as the data API gives for a table that does not exist. A table the visitor holds no
 * privilege on gets it too, so the route is no oracle for which tables a portal declares.
 */
function unknownTable(name: string): Problem {
  return new Problem(404, 'unknown-table', 'Unknown table', `There is no table "${name.slice(0, 64)}".`);
}

/**
 * `GET /api/schema/:table`: the table as the requesting visitor may use it, so a client can build lists
 * and forms without knowing the configuration: only the columns they may read (hidden columns never
 * appear), whether each can be set on create and on update (column permissions, and ownership columns
 * only with a global grant, exactly as the write routes check), and their table privileges.
 */
export async function schemaRoute(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get<{ Params: { table: string } }>('/api/schema/:table', { schema: { params: tableParams } }, async (request) => {
    const name = request.params.table;
    if (!context.dataTables().has(name)) throw unknownTable(name);
    const t = await tableRequest(context, request, name);
    const privileges = Object.fromEntries(PRIVILEGES.map((privilege) => [privilege, t.rights.can(privilege, t.table.name)])) as Record<Privilege, boolean>;
    if (!PRIVILEGES.some((privilege) => privileges[privilege])) throw unknownTable(name);
    const model = context.config.model.tables[t.table.name];
    const document: TableSchema = {
      table: t.table.name,
      displayName: model?.displayName ?? t.table.name,
      columns: [...SYSTEM_COLUMNS, ...declaredColumns(t)],
      privileges,
    };
    return document;
  });
}

function declaredColumns(t: TableRequest): SchemaColumn[] {
  const ownership = ownershipColumns(t);
  const setsOwnership = { create: hasGlobalGrant(t, 'create'), update: hasGlobalGrant(t, 'write') };
  const settable = (operation: 'create' | 'update', column: string): boolean =>
    t.rights.canColumn(operation, t.table.name, column) && (!ownership.has(column) || setsOwnership[operation]);
  const labels = t.context.config.model.tables[t.table.name]?.columns;
  return t.readable.flatMap((column) => {
    const declared: DataColumn | undefined = t.table.columns.get(column);
    if (!declared) return [];
    return [
      {
        name: declared.name,
        displayName: labels?.[column]?.displayName ?? declared.name,
        type: declared.type,
        required: declared.required,
        ...(declared.maxLength !== undefined ? { maxLength: declared.maxLength } : {}),
        ...(declared.options ? { options: declared.options } : {}),
        ...(declared.target ? { lookup: declared.target } : {}),
        searchable: declared.searchable,
        sortable: declared.sortable,
        create: settable('create', column),
        update: settable('update', column),
      },
    ];
  });
}
