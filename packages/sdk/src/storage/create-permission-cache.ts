import type { IDBPDatabase } from 'idb';
import { openCacheDatabase, permissionCacheName } from './indexeddb-cache.js';
import { MemoryPermissionCache } from './memory-cache.js';
import type { CacheBacking, CacheStore, CurrentEntries, PermissionCache } from './permission-cache.js';

/** Options of {@link createPermissionCache}. */
export interface PermissionCacheOptions {
  /** The server URL; names the database (see {@link permissionCacheName}). */
  readonly server: string;
  /** Another database name, for pages (and tests) that keep separate caches for one server. */
  readonly databaseName?: string;
  /**
   * Where to get the IndexedDB factory (default: `globalThis.indexedDB`). A getter so that a page where
   * merely touching `indexedDB` throws (some private modes, sandboxed frames) still gets a cache.
   */
  readonly indexedDB?: () => IDBFactory | undefined;
}

/**
 * The permission cache for a server: IndexedDB when it works, else memory, decided on first use and
 * invisible to callers. If IndexedDB fails later (quota, a deleted database, a terminated connection)
 * the cache carries on in memory rather than failing the page; it is only a cache.
 */
export function createPermissionCache(options: PermissionCacheOptions): PermissionCache {
  return new ResilientPermissionCache(options.databaseName ?? permissionCacheName(options.server), options.indexedDB ?? defaultFactory);
}

function defaultFactory(): IDBFactory | undefined {
  return globalThis.indexedDB;
}

type Backend = { readonly kind: 'indexeddb'; readonly db: IDBPDatabase } | { readonly kind: 'memory'; readonly cache: MemoryPermissionCache };

class ResilientPermissionCache implements PermissionCache {
  #backend: Promise<Backend> | undefined;
  /** Connections another tab or the browser took away: an operation failing on one reopens and retries. */
  readonly #lost = new WeakSet<IDBPDatabase>();

  constructor(
    private readonly name: string,
    private readonly factory: () => IDBFactory | undefined,
  ) {}

  async readCurrent(): Promise<CurrentEntries> {
    const entries = await this.#run(
      async (db) => {
        const tx = db.transaction(['sets', 'meta'], 'readonly');
        const meta = tx.objectStore('meta');
        const [current, jwks, facts] = await Promise.all([meta.get('current'), meta.get('jwks'), meta.get('facts')]);
        const set = typeof current === 'string' && current !== '' ? await tx.objectStore('sets').get(current) : undefined;
        return { current, set, jwks, facts };
      },
      (memory) => memory.readCurrent(),
    );
    return entries ?? { current: undefined, set: undefined, jwks: undefined, facts: undefined };
  }

  get(store: CacheStore, key: string): Promise<unknown> {
    return this.#run(
      (db) => db.get(store, key),
      (memory) => memory.get(store, key),
    );
  }

  async put(store: CacheStore, key: string, value: unknown): Promise<void> {
    await this.#run(
      async (db) => {
        // A cache needs no flush to disk per write; relaxed durability keeps writes off the page's path.
        const tx = db.transaction(store, 'readwrite', { durability: 'relaxed' });
        await Promise.all([tx.store.put(value, key), tx.done]);
      },
      (memory) => memory.put(store, key, value),
    );
  }

  async delete(store: CacheStore, key: string): Promise<void> {
    await this.#run(
      (db) => db.delete(store, key),
      (memory) => memory.delete(store, key),
    );
  }

  async backing(): Promise<CacheBacking> {
    return (await this.#open()).kind;
  }

  close(): void {
    const backend = this.#backend;
    this.#backend = undefined;
    void backend?.then((opened) => {
      if (opened.kind === 'indexeddb') opened.db.close();
    });
  }

  #open(): Promise<Backend> {
    this.#backend ??= this.#connect();
    return this.#backend;
  }

  async #connect(): Promise<Backend> {
    try {
      const factory = this.factory();
      if (!factory) throw new Error('IndexedDB is not available');
      const db: IDBPDatabase = await openCacheDatabase(this.name, factory, () => this.#lose(db));
      return { kind: 'indexeddb', db };
    } catch {
      return { kind: 'memory', cache: new MemoryPermissionCache() };
    }
  }

  /** The connection went away (another tab upgrades or deletes the database): reopen on next use. */
  #lose(db: IDBPDatabase): void {
    this.#lost.add(db);
    const backend = this.#backend;
    void backend?.then((current) => {
      if (current.kind === 'indexeddb' && current.db === db && this.#backend === backend) this.#backend = undefined;
    });
  }

  async #run<T>(
    onDatabase: (db: IDBPDatabase) => Promise<T>,
    inMemory: (memory: MemoryPermissionCache) => Promise<T>,
    retried = false,
  ): Promise<T | undefined> {
    try {
      const backend = await this.#open();
      if (backend.kind === 'memory') return await inMemory(backend.cache);
      try {
        return await onDatabase(backend.db);
      } catch {
        if (this.#lost.has(backend.db) && !retried) {
          this.#backend = undefined;
          return await this.#run(onDatabase, inMemory, true);
        }
        // IndexedDB fails for good (quota, storage evicted): carry on in memory, which starts empty and
        // so reads as "nothing cached".
        this.#backend = Promise.resolve({ kind: 'memory', cache: new MemoryPermissionCache() });
        backend.db.close();
        return await this.#run(onDatabase, inMemory, true);
      }
    } catch {
      // Only a value memory cannot clone gets here: the cache is best effort, never a page failure.
      return undefined;
    }
  }
}
