import type { FastifyInstance } from 'fastify';
import type { RowPredicate } from '@portalkit/core';
import type { ServerContext } from '../../app/context.js';
import { Problem } from '../../http/problem.js';
import {
  applyOrderBy,
  compileFilter,
  compileSearch,
  decodeCursor,
  encodeCursor,
  keysetAfter,
  parseFilter,
  parseOrderBy,
  parseSelect,
  parseTop,
  QueryLanguageError,
} from '../filter/index.js';
import type { CursorValue, OrderKey, QueryContext } from '../filter/index.js';
import { hasRelatedSubquery, rowPredicateSql } from '../query/row-predicate-sql.js';
import type { Engine } from '../../storage/engine.js';
import { apiRow, denied, ROW, selectApiRow, tableParams, tableRequest } from './table-request.js';
import type { TableRequest } from './table-request.js';

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

        const selected = [...columns, ...orderColumns];
        // A scope through a parent finds its rows through a lookup: fetch them late (see lateRowsStatement).
        const late = hasRelatedSubquery(read);
        let statement = late
          ? lateRowsStatement(t, read, order, after, selected, context.engine)
          : selectApiRow(t, t.db.selectFrom(`${t.table.name} as ${ROW}`), selected).where((eb) => rowPredicateSql(read, ROW, eb, 0, 'in'));
        if (filter) statement = statement.where((eb) => compileFilter(filter, language, eb));
        if (query.search !== undefined && query.search.trim() !== '') {
          const search = query.search;
          statement = statement.where((eb) => compileSearch(search, language, eb));
        }
        if (!late && after) statement = statement.where((eb) => keysetAfter(order, after, eb, ROW));
        statement = applyOrderBy(statement, order, late ? CANDIDATE : ROW).limit(top + 1);

        const rows = await statement.execute();
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

/** The alias of the ordered candidates in {@link lateRowsStatement}. */
const CANDIDATE = 'k';

/**
 * The page query for a read scope that goes through a parent (`lookup IN (SELECT id FROM parent …)`),
 * with rows fetched late: the candidates are found, kept in scope, ordered and cut at the cursor on
 * the table's keys alone (`id` and the order keys), and only then joined back to the table, so full
 * rows, the filter, the search and the `_actions` flags are worked out for the page's rows instead of
 * for every row in scope. With the relationship index, (lookup, createdon, id), finding and ordering
 * the candidates newest first reads that index alone.
 *
 * A Partner Manager's notes (own ∪ account incidents: ~1,000 in scope among a million notes) take
 * ~1,000 index probes either way; fetched early, each candidate also cost a read of its note row and
 * the `_actions` check through its incident. SQLite's own counters for that page of 50: ~7,700 page
 * reads before, ~3,800 fetched late (with the parent ids read from indexes, see rowPredicateSql).
 *
 * The same rows in the same order as the plain query: the scope and keyset conditions are the same
 * (on the candidate), the filter and search are the same (on the row), and the ORDER BY, total because
 * it ends with `id`, is the same, on the candidate's copy of the keys. The candidates are a subquery
 * with a no-op LIMIT (SQLite) or OFFSET 0 (PostgreSQL): either keeps the engine from merging it back
 * into the outer query. SQLite then streams it in its own order as the outer loop (CROSS JOIN fixes
 * that loop order) and stops once the page is full; PostgreSQL keeps the subquery's sort order too.
 * Either engine would still sort correctly if it did not.
 */
function lateRowsStatement(
  t: TableRequest,
  read: RowPredicate,
  order: readonly OrderKey[],
  after: readonly CursorValue[] | undefined,
  selected: readonly string[],
  engine: Engine,
) {
  const keys = [...new Set(['id', ...order.map((key) => key.column)])].map((column) => `${CANDIDATE}.${column}`);
  let candidates = t.db
    .selectFrom(`${t.table.name} as ${CANDIDATE}`)
    .select(keys)
    .where((eb) => rowPredicateSql(read, CANDIDATE, eb, 0, 'in'));
  if (after) candidates = candidates.where((eb) => keysetAfter(order, after, eb, CANDIDATE));
  candidates = applyOrderBy(candidates, order, CANDIDATE);
  candidates = engine === 'postgres' ? candidates.offset(0) : candidates.limit(-1);
  return selectApiRow(
    t,
    t.db
      .selectFrom(candidates.as(CANDIDATE))
      .crossJoin(`${t.table.name} as ${ROW}`)
      .whereRef(`${ROW}.id`, '=', `${CANDIDATE}.id`),
    selected,
  );
}
