import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { RowPredicate } from '@portalkit/core';
import { applyOrderBy, compileFilter, compileSearch, keysetAfter } from '../filter/index.js';
import type { CursorValue, FilterNode, OrderKey, QueryContext } from '../filter/index.js';
import { ROW, selectApiRow } from '../routes/table-request.js';
import type { TableRequest } from '../routes/table-request.js';
import { hasRelatedSubquery, rowPredicateSql, scopeWays } from './row-predicate-sql.js';

/** One page of a list, as the list route has parsed and checked it. */
export interface ListPage {
  /** The visitor's read scope on the table (never `none`: refused before). */
  readonly read: RowPredicate;
  /** The total order (ends with `id`) and, on later pages, the keys of the previous page's last row. */
  readonly order: readonly OrderKey[];
  readonly after: readonly CursorValue[] | undefined;
  readonly filter: FilterNode | undefined;
  /** Blank or absent: no search. */
  readonly search: string | undefined;
  /** Readable columns to return, the order keys included. */
  readonly selected: readonly string[];
  /** Rows to fetch: the page size plus one, which tells whether another page follows. */
  readonly limit: number;
  /** The query language's view of the request, aliased to {@link ROW}. */
  readonly language: QueryContext;
}

/** The alias of the ordered candidates in the late-fetching forms. */
const CANDIDATE = 'k';

/**
 * The one statement that fetches a page of a list, with the visitor's read scope in its WHERE clause
 * so no row outside it can be returned. Which form depends on how the scope finds its rows; all three
 * return the same rows in the same order (the ORDER BY is total because it ends with `id`):
 *
 * - a scope through a parent (`lookup IN (SELECT id FROM parent …)`): {@link lateRowsStatement};
 * - a scope reached two or more ways on the row itself (own ∪ account incidents): {@link unionOfWaysStatement};
 * - anything else (global, one column equality): the plain query, read in the order's index.
 */
export function listStatement(t: TableRequest, page: ListPage): SelectQueryBuilder<any, any, any> {
  if (hasRelatedSubquery(page.read)) return lateRowsStatement(t, page);
  const ways = scopeWays(page.read);
  if (ways.length > 1) return unionOfWaysStatement(t, page, ways);
  let statement = selectApiRow(t, t.db.selectFrom(`${t.table.name} as ${ROW}`), page.selected).where((eb) => rowPredicateSql(page.read, ROW, eb, 0, 'in'));
  statement = statement.where((eb) => rowConditions(page, page.language, eb));
  if (page.after) {
    const after = page.after;
    statement = statement.where((eb) => keysetAfter(page.order, after, eb, ROW));
  }
  return applyOrderBy(statement, page.order, ROW).limit(page.limit);
}

/** The filter and the search on the row the query language is aliased to (`1 = 1` when neither is given). */
function rowConditions(page: ListPage, language: QueryContext, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (page.filter) conditions.push(compileFilter(page.filter, language, eb));
  if (page.search !== undefined && page.search.trim() !== '') conditions.push(compileSearch(page.search, language, eb));
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : eb.and(conditions);
}

/** The table's keys for a page: `id` and the order's columns. */
function keyColumns(order: readonly OrderKey[]): string[] {
  return [...new Set(['id', ...order.map((key) => key.column)])];
}

/**
 * Joins the ordered candidates (aliased {@link CANDIDATE}, holding the keys) back to the table for the
 * page's full rows and `_actions` flags, in the candidates' order.
 */
function fetchRows(t: TableRequest, page: ListPage, candidates: SelectQueryBuilder<any, any, any>) {
  return selectApiRow(
    t,
    t.db
      .selectFrom(candidates.as(CANDIDATE))
      .crossJoin(`${t.table.name} as ${ROW}`)
      .whereRef(`${ROW}.id`, '=', `${CANDIDATE}.id`),
    page.selected,
  );
}

/**
 * A subquery the engine must not merge into the query around it: a no-op LIMIT (SQLite) or OFFSET 0
 * (PostgreSQL). Kept apart, it is computed in its own order and the outer loop streams it.
 */
function keptApart(query: SelectQueryBuilder<any, any, any>, t: TableRequest) {
  return t.context.engine === 'postgres' ? query.offset(0) : query.limit(-1);
}

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
 * The scope and keyset conditions are on the candidate, the filter and search on the row; the
 * candidates stay a subquery (see {@link keptApart}), which SQLite streams in its own order as the outer
 * loop (CROSS JOIN fixes that loop order), stopping once the page is full; PostgreSQL keeps the
 * subquery's sort order too. Either engine would still sort correctly if it did not.
 */
function lateRowsStatement(t: TableRequest, page: ListPage) {
  let candidates = t.db
    .selectFrom(`${t.table.name} as ${CANDIDATE}`)
    .select(keyColumns(page.order).map((column) => `${CANDIDATE}.${column}`))
    .where((eb) => rowPredicateSql(page.read, CANDIDATE, eb, 0, 'in'));
  if (page.after) {
    const after = page.after;
    candidates = candidates.where((eb) => keysetAfter(page.order, after, eb, CANDIDATE));
  }
  const ordered = keptApart(applyOrderBy(candidates, page.order, CANDIDATE), t);
  const statement = fetchRows(t, page, ordered).where((eb) => rowConditions(page, page.language, eb));
  return applyOrderBy(statement, page.order, CANDIDATE).limit(page.limit);
}

/**
 * The page query for a scope reached several ways on the row itself, `customerid = ? OR accountid = ?`
 * (a Partner Manager's incidents). Written as one OR, either engine collects every row of every way
 * (an account's ~1,000 incidents, each read from the table) and sorts them to return 50. Here each way
 * is its own ordered query, cut at the page size: with the scope index on its column, (column,
 * createdon, id), it reads that index newest first and stops after a page of rows that pass the filter
 * and search. The ways' pages are merged (UNION drops a row reached both ways; its keys are the same
 * either way), ordered and cut again, and only that page is joined back for full rows.
 *
 * The same rows in the same order as the OR: a row on the page is within the first `limit` rows of at
 * least one way that reaches it, since every way applies the same conditions in the same total order.
 */
function unionOfWaysStatement(t: TableRequest, page: ListPage, ways: readonly RowPredicate[]) {
  const keys = keyColumns(page.order);
  const wayLanguage: QueryContext = { ...page.language, alias: CANDIDATE };
  const wayPage = (way: RowPredicate) => {
    let query = t.db
      .selectFrom(`${t.table.name} as ${CANDIDATE}`)
      .select(keys.map((column) => `${CANDIDATE}.${column}`))
      .where((eb) => rowPredicateSql(way, CANDIDATE, eb, 0, 'in'))
      .where((eb) => rowConditions(page, wayLanguage, eb));
    if (page.after) {
      const after = page.after;
      query = query.where((eb) => keysetAfter(page.order, after, eb, CANDIDATE));
    }
    // Wrapped so each way keeps its own ORDER BY and LIMIT inside the UNION (SQLite allows neither on a member).
    return t.db.selectFrom(applyOrderBy(query, page.order, CANDIDATE).limit(page.limit).as('w')).selectAll();
  };
  let merged = wayPage(ways[0]!);
  for (const way of ways.slice(1)) merged = merged.union(wayPage(way));
  const candidates = applyOrderBy(t.db.selectFrom(merged.as('u')).selectAll(), page.order, 'u').limit(page.limit);
  return applyOrderBy(fetchRows(t, page, candidates), page.order, CANDIDATE);
}
