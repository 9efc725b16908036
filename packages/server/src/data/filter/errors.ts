/** The list-route query parameters the query language reads. */
export type QueryParameter = 'filter' | 'orderBy' | 'select' | 'search' | 'cursor' | 'top';

/** Stable, kebab-case reasons a query is refused (they become the problem `code`). */
export type QueryLanguageErrorCode =
  | 'filter-syntax'
  | 'filter-too-long'
  | 'filter-too-deep'
  | 'filter-too-complex'
  | 'filter-string-too-long'
  | 'filter-type-mismatch'
  | 'filter-unsupported-operator'
  | 'unknown-column'
  | 'select-syntax'
  | 'select-too-long'
  | 'order-by-syntax'
  | 'order-by-too-long'
  | 'order-by-too-many-keys'
  | 'order-by-unsupported'
  | 'search-too-long'
  | 'search-invalid'
  | 'search-unavailable'
  | 'invalid-cursor'
  | 'cursor-unavailable'
  | 'invalid-top';

/**
 * A refused query parameter. `message` is one plain sentence for the person who wrote the query
 * (with the 1-based character position where one helps); it never names a column the visitor cannot
 * read, so the route can return it as is.
 */
export class QueryLanguageError extends Error {
  constructor(
    readonly code: QueryLanguageErrorCode,
    readonly parameter: QueryParameter,
    message: string,
    /** 1-based position (in characters, i.e. code points) of the offending text, when there is one. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'QueryLanguageError';
  }
}

/** Quotes a piece of the visitor's own input for a message, short enough to stay readable. */
export function quote(text: string, max = 40): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}

/** Lone UTF-16 surrogates (text PostgreSQL cannot store or compare) and NUL (which it refuses). */
const UNUSABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether the text can be bound as a parameter on every engine. */
export function isUsableText(text: string): boolean {
  return !UNUSABLE_TEXT.test(text);
}
