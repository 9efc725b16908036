/**
 * The warm-start mirror: one synchronous `localStorage` slot per server holding what the CURRENT
 * visitor's first decision needs (their signed set, the public key that signed it, the issuer and the
 * audience), so a reload can decide before first paint.
 *
 * Why it exists: opening an IndexedDB database on a fresh page costs ~5 ms in Chromium before the first
 * read, which alone breaks the 5 ms first-decision budget; a `localStorage` read is synchronous and
 * costs microseconds. IndexedDB stays the store of record (every visitor, ETags, the whole JWK Set).
 *
 * Why it is not a trust downgrade: what the slot holds is only a hint. The permission layer parses it
 * strictly and verifies the token exactly as it verifies an IndexedDB entry (same signature check, same
 * `typ`/`alg`/`iss`/`aud`/`exp`/`nbf`/`sub` rules), and deletes it on any failure. Both stores are
 * writable by any script on the origin, and such a script could rewrite the DOM anyway.
 *
 * Every access is guarded: where `localStorage` is missing or throws (private modes, a full quota,
 * sandboxed frames, storage disabled), the mirror reads as empty and writes are dropped.
 */

/** The `localStorage` key of a server's mirror. */
export function warmStartMirrorKey(server: string): string {
  return `portalkit:${server}:current`;
}

/** Longest slot value read at all: a token is at most 512 KiB; the rest of the entry is small. */
const MAX_ENTRY_LENGTH = 512 * 1024 + 4 * 1024;

/** What a mirror read found: nothing, or something (`value` is `undefined` when it is not JSON). */
export type MirrorRead = { readonly found: false } | { readonly found: true; readonly value: unknown };

/** A synchronous slot for the current visitor's warm-start entry. Never throws. */
export interface WarmStartMirror {
  /** The stored entry, parsed from JSON but not validated: anything can be in the slot. */
  read(): MirrorRead;
  /** Stores an entry (dropped silently when storage refuses it). */
  write(entry: unknown): void;
  /** Removes the entry (silently a no-op when storage is unavailable). */
  remove(): void;
}

/** Options of {@link createWarmStartMirror}. */
export interface WarmStartMirrorOptions {
  /** The server URL; names the slot (see {@link warmStartMirrorKey}). */
  readonly server: string;
  /** Another slot key, for pages (and tests) that keep separate caches for one server. */
  readonly key?: string;
  /**
   * Where to get the storage (default: `globalThis.localStorage`). A getter because merely touching
   * `localStorage` throws in sandboxed frames and with storage blocked.
   */
  readonly storage?: () => Storage | undefined;
}

function defaultStorage(): Storage | undefined {
  return globalThis.localStorage;
}

/** The `localStorage` mirror of a server (see the module comment for why it exists and is safe). */
export function createWarmStartMirror(options: WarmStartMirrorOptions): WarmStartMirror {
  const key = options.key ?? warmStartMirrorKey(options.server);
  const storage = options.storage ?? defaultStorage;
  return {
    read(): MirrorRead {
      let raw: string | null;
      try {
        raw = storage()?.getItem(key) ?? null;
      } catch {
        return { found: false };
      }
      if (raw === null) return { found: false };
      if (raw.length > MAX_ENTRY_LENGTH) return { found: true, value: undefined };
      try {
        return { found: true, value: JSON.parse(raw) as unknown };
      } catch {
        return { found: true, value: undefined };
      }
    },
    write(entry: unknown): void {
      try {
        storage()?.setItem(key, JSON.stringify(entry));
      } catch {
        // Quota or blocked storage: the next reload opens IndexedDB instead, which is only slower.
        remove();
      }
    },
    remove,
  };

  function remove(): void {
    try {
      storage()?.removeItem(key);
    } catch {
      // Unavailable storage holds nothing of ours.
    }
  }
}
