import type { Transport } from '../http/transport.js';
import type { TableSchema } from '@portalkit/core';
import type { ApiRow } from '../types.js';
import { listQueryString } from './query.js';
import type { ListQuery } from './query.js';

/** A page of rows. */
export interface RowPage<R extends ApiRow = ApiRow> {
  readonly rows: readonly R[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** The row's ETag for a conditional write: `row._etag` as read. */
export interface WriteCondition {
  /** Required by the server (428 without it); a stale one gives 412. */
  readonly etag?: string;
}

/** The link an `associate` sets: the lookup `column` of this row pointing at `target` (a row id). */
export interface Association {
  readonly column: string;
  readonly target: string;
}

/**
 * One data table through the companion server (`/api/tables/:table`). Every call is enforced by the
 * server (table and column permissions, ownership columns); failures are typed: `NotFoundError` for a
 * missing or out-of-scope row (the same answer), `ForbiddenError`, `ValidationError` with field paths,
 * `PreconditionRequiredError` (no ETag), `PreconditionFailedError` (stale ETag), `ConflictError`.
 */
export interface TableClient<R extends ApiRow = ApiRow> {
  readonly name: string;
  /** The table's columns and privileges for this visitor; `NotFoundError` for a table they cannot use at all. */
  schema(): Promise<TableSchema>;
  list(query?: ListQuery): Promise<RowPage<R>>;
  get(id: string): Promise<R>;
  create(values: Record<string, unknown>): Promise<R>;
  update(id: string, patch: Record<string, unknown>, condition?: WriteCondition): Promise<R>;
  delete(id: string, condition?: WriteCondition): Promise<void>;
  associate(id: string, association: Association): Promise<R>;
}

/** Table names as the configuration allows them; anything else never reaches a URL. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Creates the {@link TableClient} of `name` over a transport. */
export function createTableClient<R extends ApiRow = ApiRow>(transport: Transport, name: string): TableClient<R> {
  if (!TABLE_NAME.test(name)) throw new TypeError(`Not a table name: ${JSON.stringify(name.slice(0, 70))}`);
  const base = `/api/tables/${name}`;
  const row = (id: string): string => {
    if (typeof id !== 'string' || id === '') throw new TypeError('A row id is a non-empty string');
    return `${base}/${encodeURIComponent(id)}`;
  };
  const ifMatch = (condition: WriteCondition | undefined): Record<string, string> =>
    condition?.etag !== undefined ? { 'If-Match': condition.etag } : {};
  return {
    name,
    schema: () => transport.json<TableSchema>(`/api/schema/${name}`),
    list: (query) => transport.json<RowPage<R>>(base + listQueryString(query)),
    get: (id) => transport.json<R>(row(id)),
    create: (values) => transport.json<R>(base, { method: 'POST', body: values }),
    update: (id, patch, condition) => transport.json<R>(row(id), { method: 'PATCH', body: patch, headers: ifMatch(condition) }),
    delete: async (id, condition) => {
      await transport.json<undefined>(row(id), { method: 'DELETE', headers: ifMatch(condition) });
    },
    associate: (id, association) =>
      transport.json<R>(`${row(id)}/associate`, { method: 'POST', body: { column: association.column, target: association.target } }),
  };
}
