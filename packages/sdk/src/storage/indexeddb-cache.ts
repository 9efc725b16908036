import { wrap } from 'idb';
import type { IDBPDatabase } from 'idb';
import type { CacheStore } from './permission-cache.js';

const SCHEMA_VERSION = 1;
const STORES: readonly CacheStore[] = ['sets', 'meta'];

/** The IndexedDB database name for a server: one database per server, so servers never share entries. */
export function permissionCacheName(server: string): string {
  return `portalkit:${server}`;
}

/** How long opening may take before the memory fallback is used (a blocked or hung open). */
export const OPEN_TIMEOUT_MS = 2_000;

/**
 * Opens (creating or upgrading) a server's cache database through `factory`. Rejects when the factory
 * throws, the open fails or is blocked, or it takes longer than {@link OPEN_TIMEOUT_MS}; a connection
 * that arrives after giving up is closed. `onLost` is called when the connection can no longer be
 * used (another tab upgrades or deletes the database, or the browser terminates it).
 */
export function openCacheDatabase(name: string, factory: IDBFactory, onLost: () => void): Promise<IDBPDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(reason instanceof Error ? reason : new Error(String(reason)));
    };
    const timer = setTimeout(() => fail(new Error('IndexedDB open timed out')), OPEN_TIMEOUT_MS);
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, SCHEMA_VERSION);
    } catch (error) {
      fail(error);
      return;
    }
    request.addEventListener('upgradeneeded', () => {
      const db = request.result;
      for (const store of STORES) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    });
    request.addEventListener('blocked', () => fail(new Error('IndexedDB open blocked')));
    wrap(request).then(
      (db) => {
        if (!db) return fail(new Error('IndexedDB open gave no database'));
        if (settled) {
          db.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        // Another tab wants a newer version or deletes the database: let it, and reopen on next use.
        db.addEventListener('versionchange', () => {
          db.close();
          onLost();
        });
        db.addEventListener('close', onLost);
        resolve(db);
      },
      fail,
    );
  });
}
