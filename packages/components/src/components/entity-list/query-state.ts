import type { ListQuery } from '@portalkit/sdk';

/** One sort key of the list. */
export interface SortKey {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
}

/** The server's page size limit (`top`). */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 20;

/** `page-size` as a page size the server accepts. */
export function pageSizeOf(value: unknown): number {
  const size = Math.floor(Number(value));
  if (!Number.isFinite(size) || size < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

/** `order-by="title desc"` as a sort key; anything else is no sort (the server's default order). */
export function parseSortKey(text: string | null | undefined): SortKey | undefined {
  const [column = '', direction = 'asc', ...rest] = (text ?? '').trim().split(/\s+/);
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(column) || rest.length > 0) return undefined;
  const lowered = direction.toLowerCase();
  if (lowered !== 'asc' && lowered !== 'desc') return undefined;
  return { column, direction: lowered };
}

/**
 * Where the visitor is in the list: sort, search text and keyset paging. The server's cursors only go
 * forward, so the cursor of every page visited so far is kept to go back.
 */
export class ListPosition {
  sort: SortKey | undefined;
  search = '';
  /** `cursors[i]` fetches page i + 1 (the first page needs none). */
  #cursors: (string | undefined)[] = [undefined];
  /** The cursor after the page on screen, if there is a next page. */
  next: string | undefined;

  /** The page on screen, from 1. */
  get page(): number {
    return this.#cursors.length;
  }

  get hasPrevious(): boolean {
    return this.#cursors.length > 1;
  }

  get hasNext(): boolean {
    return this.next !== undefined;
  }

  /** Back to the first page (a new sort or search is a new query: old cursors do not continue it). */
  restart(): void {
    this.#cursors = [undefined];
    this.next = undefined;
  }

  /** Moves to the next page; false when there is none. */
  forward(): boolean {
    if (this.next === undefined) return false;
    this.#cursors.push(this.next);
    this.next = undefined;
    return true;
  }

  /** Moves to the previous page; false on the first. */
  back(): boolean {
    if (this.#cursors.length <= 1) return false;
    this.#cursors.pop();
    this.next = undefined;
    return true;
  }

  /** Sorts by `column`: ascending first, then descending, then the server's default order. */
  cycleSort(column: string): void {
    if (this.sort?.column !== column) this.sort = { column, direction: 'asc' };
    else if (this.sort.direction === 'asc') this.sort = { column, direction: 'desc' };
    else this.sort = undefined;
    this.restart();
  }

  setSearch(text: string): boolean {
    const search = text.trim();
    if (search === this.search) return false;
    this.search = search;
    this.restart();
    return true;
  }

  /** The list request for the page on screen. */
  query(select: readonly string[], top: number): ListQuery {
    const cursor = this.#cursors.at(-1);
    return {
      select,
      top,
      ...(this.sort ? { orderBy: `${this.sort.column} ${this.sort.direction}` } : {}),
      ...(this.search !== '' ? { search: this.search } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    };
  }
}
