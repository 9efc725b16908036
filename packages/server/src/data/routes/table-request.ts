import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { resolveRights, SERVER_MANAGED_COLUMNS } from '@portalkit/core';
import type { Privilege, Rights } from '@portalkit/core';
import type { ServerContext } from '../../app/context.js';
import { Problem } from '../../http/problem.js';
import type { RequestVisitor } from '../../sessions/visitors.js';
import { DATA_SYSTEM_COLUMNS } from '../schema/data-table.js';
import type { DataTable } from '../schema/data-table.js';
import { rowPredicateSql } from '../query/row-predicate-sql.js';
import { encodeRow } from '../values/index.js';

/** The privileges a row can carry in `_actions` (`create` belongs to the table, not to a row). */
export const ROW_PRIVILEGES = ['read', 'write', 'delete', 'append', 'appendTo'] as const satisfies readonly Privilege[];

/** The alias every data query gives the table it serves. */
export const ROW = 'r';

/** One data request: the table, who asks, and what they may do. */
export interface TableRequest {
  readonly context: ServerContext;
  readonly db: Kysely<any>;
  readonly table: DataTable;
  readonly visitor: RequestVisitor;
  readonly rights: Rights;
  /** Declared columns the visitor may read, in declaration order. */
  readonly readable: readonly string[];
}

/**
 * Resolves the table named in the URL and the visitor's rights. Unknown names (and anything that is
 * not a plain identifier) are 404: the URL segment never reaches SQL.
 */
export async function tableRequest(context: ServerContext, request: FastifyRequest, tableName: string): Promise<TableRequest> {
  const dataTable = context.dataTables().get(tableName);
  if (!dataTable) throw new Problem(404, 'unknown-table', 'Unknown table', `There is no table "${tableName.slice(0, 64)}".`);
  const visitor = await context.visitors.fromRequest(request);
  const rights = resolveRights(context.config.model, visitor);
  const readable = rights.columns('read', dataTable.name, [...dataTable.columns.keys()]);
  return { context, db: context.db as Kysely<any>, table: dataTable, visitor, rights, readable };
}

/**
 * Selects what an API row shows: system columns, the given readable columns (all readable ones by
 * default), and one flag per row privilege.
 */
export function selectApiRow<QB extends SelectQueryBuilder<any, any, any>>(t: TableRequest, query: QB, columns: readonly string[] = t.readable): QB {
  const selectedColumns = [...new Set([...DATA_SYSTEM_COLUMNS, ...columns])].map((column) => `${ROW}.${column}`);
  let selected = query.select(selectedColumns) as QB;
  for (const privilege of ROW_PRIVILEGES) {
    if (privilege === 'read') continue;
    const filter = t.rights.rowFilter(privilege, t.table.name);
    selected = selected.select((eb) =>
      filter.kind === 'none'
        ? sql<number>`0`.as(`_can_${privilege}`)
        : eb.case().when(rowPredicateSql(filter, ROW, eb)).then(1).else(0).end().as(`_can_${privilege}`),
    ) as QB;
  }
  return selected;
}

/** A database row as the API returns it: the given readable columns only, `_etag`, `_actions`. */
export function apiRow(t: TableRequest, row: Record<string, unknown>, columns: readonly string[] = t.readable): Record<string, unknown> {
  return {
    ...encodeRow(t.table, row, ['id', 'createdon', 'modifiedon', ...columns]),
    _etag: etagOf(row),
    _actions: ROW_PRIVILEGES.filter((privilege) => privilege === 'read' || Number(row[`_can_${privilege}`]) === 1),
  };
}

export function etagOf(row: Record<string, unknown>): string {
  return `"${Number(row['rowversion'])}"`;
}

/**
 * Columns the server sets on create and nobody changes without a global grant: the contact and account
 * columns of the table's `contact`- and `account`-scope permissions (whoever they are for), and the
 * built-in identity and tenancy columns.
 */
export function ownershipColumns(t: TableRequest): Set<string> {
  const columns = new Set<string>(Object.hasOwn(SERVER_MANAGED_COLUMNS, t.table.name) ? SERVER_MANAGED_COLUMNS[t.table.name] : []);
  for (const permission of t.context.config.model.tablePermissions) {
    if (permission.table !== t.table.name) continue;
    if (permission.grant.scope === 'contact' || (permission.grant.scope === 'account' && permission.grant.column !== 'id')) {
      columns.add(permission.grant.column);
    }
  }
  return columns;
}

/** Whether the visitor holds a `global` grant for the privilege on this table. */
export function hasGlobalGrant(t: TableRequest, privilege: Privilege): boolean {
  return t.rights.rowFilter(privilege, t.table.name).kind === 'all';
}

/** The row with this id if the visitor may read it (with its API columns and action flags), else undefined. */
export async function readableRow(t: TableRequest, id: string, db: Kysely<any> = t.db): Promise<Record<string, unknown> | undefined> {
  const read = t.rights.rowFilter('read', t.table.name);
  if (read.kind === 'none') return undefined;
  return selectApiRow(t, db.selectFrom(`${t.table.name} as ${ROW}`))
    .where(`${ROW}.id`, '=', id)
    .where((eb) => rowPredicateSql(read, ROW, eb))
    .executeTakeFirst();
}

/** Whether the row with this id is within the visitor's reach for `privilege` (checked in SQL). */
export async function rowAllows(t: TableRequest, id: string, privilege: Privilege, db: Kysely<any> = t.db, tableName = t.table.name): Promise<boolean> {
  const filter = t.rights.rowFilter(privilege, tableName);
  if (filter.kind === 'none') return false;
  const row = await db
    .selectFrom(`${tableName} as ${ROW}`)
    .select(`${ROW}.id`)
    .where(`${ROW}.id`, '=', id)
    .where((eb) => rowPredicateSql(filter, ROW, eb))
    .executeTakeFirst();
  return row !== undefined;
}

/** Ids only ever reach SQL as bound values: an id that names no row is simply 404, like a hidden one. */
export const rowParams = {
  type: 'object',
  additionalProperties: false,
  required: ['table', 'id'],
  properties: { table: { type: 'string', maxLength: 64 }, id: { type: 'string', maxLength: 100 } },
} as const;

export const tableParams = {
  type: 'object',
  additionalProperties: false,
  required: ['table'],
  properties: { table: { type: 'string', maxLength: 64 } },
} as const;

/** 404 for a row that does not exist or that the visitor may not read: the same answer, no oracle. */
export function rowNotFound(): Problem {
  return new Problem(404, 'row-not-found', 'Row not found', 'No such row, or you cannot see it.');
}

/** Records a refused data operation and returns the problem to throw. */
export async function denied(t: TableRequest, request: FastifyRequest, privilege: Privilege, detail: Record<string, unknown>, problem: Problem): Promise<Problem> {
  await t.context.audit.record({
    action: 'permission-denied',
    outcome: 'denied',
    actor: t.visitor.contactId,
    subject: t.table.name,
    ip: request.ip,
    detail: { privilege, ...detail },
  });
  return problem;
}
