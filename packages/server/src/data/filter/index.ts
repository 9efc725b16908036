/**
 * The data API's query language: `filter`, `select`, `orderBy`, `search`, `top` and the keyset
 * cursor, as pure functions from the visitor's text to checked values and Kysely expressions with
 * bound parameters. Every refusal is a {@link QueryLanguageError}.
 * @packageDocumentation
 */
export type { AndNode, ComparisonOperator, CompareNode, FilterLiteral, FilterNode, NotNode, OrNode, TextMatchNode } from './ast.js';
export { COLUMN_NAME, readableColumn } from './columns.js';
export type { QueryColumn, QueryColumnType, QueryContext } from './columns.js';
export { compileFilter } from './compile.js';
export { decodeCursor, encodeCursor } from './cursor.js';
export type { CursorValue } from './cursor.js';
export { normaliseDatetime } from './datetime.js';
export { QueryLanguageError } from './errors.js';
export type { QueryLanguageErrorCode, QueryParameter } from './errors.js';
export { keysetAfter } from './keyset.js';
export { escapeLike } from './like.js';
export * from './limits.js';
export { applyOrderBy, DEFAULT_ORDER, parseOrderBy } from './order-by.js';
export type { OrderKey } from './order-by.js';
export { parseFilter } from './parser.js';
export { compileSearch, searchColumns } from './search.js';
export { parseSelect } from './select.js';
export { parseTop } from './top.js';
