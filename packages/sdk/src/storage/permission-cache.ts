/**
 * The object stores of a server's permission cache: `sets` holds one signed set per visitor key
 * (the contact id, or {@link ANONYMOUS_VISITOR}); `meta` holds {@link MetaKey} entries.
 */
export type CacheStore = 'sets' | 'meta';

/** Entries of the `meta` store: the JWK Set, the discovery facts verification needs, the last visitor. */
export type MetaKey = 'jwks' | 'facts' | 'current';

/** The visitor key of a set without `sub`. Contact ids are UUIDs, so it cannot collide with one. */
export const ANONYMOUS_VISITOR = 'anonymous';

/** The visitor key for a `sub` claim (absent or `null`: anonymous). */
export function visitorKey(sub: string | null | undefined): string {
  return sub ?? ANONYMOUS_VISITOR;
}

/** What backs a cache right now. */
export type CacheBacking = 'indexeddb' | 'memory';

/** Everything a reload needs to decide, read together: the pointer, its set, the JWK Set and the facts. */
export interface CurrentEntries {
  readonly current: unknown;
  /** The set filed under `current` (when `current` is a non-empty string). */
  readonly set: unknown;
  readonly jwks: unknown;
  readonly facts: unknown;
}

/**
 * Where permission sets, keys and facts are kept between page loads. Values come back as `unknown`:
 * storage is shared with every script on the origin and survives versions, so callers validate what
 * they read. No method rejects: a storage failure reads as "nothing cached" and writes are best effort.
 */
export interface PermissionCache {
  /**
   * The pointer, the set it names, the JWK Set and the facts, in one read-only transaction: the first
   * decision of a page waits on this, so it costs one round trip to the storage thread, not four.
   */
  readCurrent(): Promise<CurrentEntries>;
  /** The stored value, or `undefined` when absent or unreadable. */
  get(store: CacheStore, key: string): Promise<unknown>;
  /** Stores a structured-cloneable value. */
  put(store: CacheStore, key: string, value: unknown): Promise<void>;
  /** Removes a value (absent is fine). */
  delete(store: CacheStore, key: string): Promise<void>;
  /** What backs the cache now (after opening, which a first call triggers). */
  backing(): Promise<CacheBacking>;
  /** Releases the database connection; later calls reopen it. */
  close(): void;
}
