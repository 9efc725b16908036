import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { Problem } from '../../http/problem.js';
import {
  decodeCursor,
  encodeCursor,
  parseFilter,
  parseOrderBy,
  parseSelect,
  parseTop,
  QueryLanguageError,
} from '../filter/index.js';
import type { QueryContext } from '../filter/index.js';
import { listStatement } from '../query/list-statement.js';
import type { ListPage } from '../query/list-statement.js';
import { apiRow, denied, ROW, tableParams, tableRequest } from './table-request.js';

interface ListQuery {
  select?: string;
  filter?: string;
  orderBy?: string;
  search?: string;
  top?: string;
  cursor?: string;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    select: { type: 'string', maxLength: 2000 },
    filter: { type: 'string', maxLength: 2000 },
    orderBy: { type: 'string', maxLength: 300 },
    search: { type: 'string', maxLength: 200 },
    top: { type: 'string', maxLength: 10 },
    cursor: { type: 'string', maxLength: 2000 },
  },
} as const;

/**
 * `GET /api/tables/:table`: the rows the visitor may read, one page at a time. The visitor's read
 * scope is part of the WHERE clause of the one query that fetches the page, so a row outside it can
 * never be in a response; the query language only ever sees readable columns.
 */
export async function listRoute(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get<{ Params: { table: string }; Querystring: ListQuery }>(
    '/api/tables/:table',
    { schema: { params: tableParams, querystring: listQuery } },
    async (request) => {
      const t = await tableRequest(context, request, request.params.table);
      const read = t.rights.rowFilter('read', t.table.name);
      if (read.kind === 'none') {
        throw await denied(t, request, 'read', {}, new Problem(403, 'permission-denied', 'Not allowed', `You cannot read ${t.table.name} rows.`));
      }
      const query = request.query;
      try {
        const language: QueryContext = { table: t.table, readable: new Set(['id', 'createdon', 'modifiedon', ...t.readable]), engine: context.engine, alias: ROW };
        const columns = query.select === undefined ? t.readable : parseSelect(query.select, language).filter((column) => t.readable.includes(column));
        const order = parseOrderBy(query.orderBy, language);
        const top = parseTop(query.top);
        const filter = query.filter === undefined ? undefined : parseFilter(query.filter);
        // A cursor only continues the query it came from.
        const fingerprint = JSON.stringify([t.table.name, query.filter ?? '', query.search ?? '', order]);
        const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, order, fingerprint);
        const orderColumns = order.map((key) => key.column).filter((column) => column !== 'id' && !columns.includes(column));

        const pageQuery: ListPage = {
          read,
          order,
          after,
          filter,
          search: query.search,
          selected: [...columns, ...orderColumns],
          limit: top + 1,
          language,
        };
        const rows = await listStatement(t, pageQuery).execute();
        const page = rows.slice(0, top);
        const last = page.at(-1);
        return {
          rows: page.map((row) => apiRow(t, row, columns)),
          ...(rows.length > top && last ? { nextCursor: encodeCursor(order, last, fingerprint) } : {}),
        };
      } catch (error) {
        if (error instanceof QueryLanguageError) {
          throw new Problem(400, error.code, 'The query is not valid', error.message, { errors: [{ path: `/${error.parameter}`, message: error.message }] });
        }
        throw error;
      }
    },
  );
}
