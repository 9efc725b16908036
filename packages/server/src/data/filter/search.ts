import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { MATCHABLE_TYPES } from './columns.js';
import type { QueryContext } from './columns.js';
import { isUsableText, QueryLanguageError } from './errors.js';
import { escapeLike, likeMatch } from './like.js';
import { SEARCH_MAX_LENGTH } from './limits.js';
import { exceeds } from './list.js';

/**
 * The columns `search` looks in: the table's searchable text columns that the visitor can read. A
 * searchable column they cannot read is silently left out: searching it would reveal its contents.
 */
export function searchColumns(context: QueryContext): string[] {
  return [...context.table.columns.values()]
    .filter((column) => column.searchable && MATCHABLE_TYPES.has(column.type) && context.readable.has(column.name))
    .map((column) => column.name);
}

/**
 * Compiles `search` to an OR of case-insensitive "contains" over {@link searchColumns}; the trimmed
 * text is one phrase, matched literally (`%` and `_` are not wildcards). Blank text is no condition
 * (`1 = 1`). Throws `search-too-long` beyond {@link SEARCH_MAX_LENGTH} characters, `search-invalid`
 * for text no engine can bind (NUL, broken UTF-16), `search-unavailable` when no column can be searched.
 */
export function compileSearch(text: string, context: QueryContext, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  if (exceeds(text, SEARCH_MAX_LENGTH)) {
    throw new QueryLanguageError('search-too-long', 'search', `search is longer than ${SEARCH_MAX_LENGTH} characters.`);
  }
  if (!isUsableText(text)) throw new QueryLanguageError('search-invalid', 'search', 'search contains a character that is not allowed.');
  const phrase = text.trim();
  if (phrase === '') return sql<SqlBool>`1 = 1`;
  const columns = searchColumns(context);
  if (columns.length === 0) {
    throw new QueryLanguageError('search-unavailable', 'search', `${context.table.name} has no column you can search.`);
  }
  const pattern = `%${escapeLike(phrase)}%`;
  return eb.or(columns.map((column) => likeMatch(eb, context.engine, column, context.alias, pattern)));
}
