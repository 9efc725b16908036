import type { CacheBacking, CacheStore, CurrentEntries, PermissionCache } from './permission-cache.js';

/**
 * A {@link PermissionCache} in memory, for browsers without usable IndexedDB (private modes, blocked
 * storage). Values are cloned in and out like IndexedDB does, so callers cannot tell the two apart by
 * mutating what they stored or read.
 */
export class MemoryPermissionCache implements PermissionCache {
  readonly #stores: Record<CacheStore, Map<string, unknown>> = { sets: new Map(), meta: new Map() };

  async readCurrent(): Promise<CurrentEntries> {
    const current = await this.get('meta', 'current');
    return {
      current,
      set: typeof current === 'string' && current !== '' ? await this.get('sets', current) : undefined,
      jwks: await this.get('meta', 'jwks'),
      facts: await this.get('meta', 'facts'),
    };
  }

  async get(store: CacheStore, key: string): Promise<unknown> {
    const value = this.#stores[store].get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  async put(store: CacheStore, key: string, value: unknown): Promise<void> {
    this.#stores[store].set(key, structuredClone(value));
  }

  async delete(store: CacheStore, key: string): Promise<void> {
    this.#stores[store].delete(key);
  }

  async backing(): Promise<CacheBacking> {
    return 'memory';
  }

  close(): void {}
}
