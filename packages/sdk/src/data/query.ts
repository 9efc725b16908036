/** Options of {@link TableClient.list}, as the data API's query parameters (see the README). */
export interface ListQuery {
  /** Columns to return (unreadable ones are left out by the server); all readable ones by default. */
  readonly select?: readonly string[] | string;
  /** The query language: `status eq 'open' and contains(title, 'printer')`. */
  readonly filter?: string;
  /** Up to 3 keys: `['priority desc', 'createdon']` or `'priority desc, createdon'`. */
  readonly orderBy?: readonly string[] | string;
  /** Free text over the table's searchable columns. */
  readonly search?: string;
  /** Page size: 50 by default, 500 at most. */
  readonly top?: number;
  /** The `nextCursor` of the previous page (it only continues the same query). */
  readonly cursor?: string;
}

/** The query string for a list request, `''` when there is nothing to send. */
export function listQueryString(query: ListQuery = {}): string {
  const params = new URLSearchParams();
  const join = (value: readonly string[] | string): string => (typeof value === 'string' ? value : value.join(','));
  if (query.select !== undefined) params.set('select', join(query.select));
  if (query.filter !== undefined) params.set('filter', query.filter);
  if (query.orderBy !== undefined) params.set('orderBy', join(query.orderBy));
  if (query.search !== undefined) params.set('search', query.search);
  if (query.top !== undefined) {
    if (!Number.isInteger(query.top) || query.top < 1) throw new RangeError(`top must be a positive integer, not ${String(query.top)}`);
    params.set('top', String(query.top));
  }
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
