/**
 * Redirect sign-ins in progress in this tab, kept in `sessionStorage` (per tab, survives the round trip
 * to the provider, gone when the tab closes). Each record is taken exactly once; taking it leaves a
 * "used" marker behind, so a second arrival of the same callback URL is told apart from a forged one.
 */

/** What a redirect sign-in must remember across the trip to the provider. */
export interface PendingSignIn {
  readonly provider: string;
  /** The server's nonce (not a secret: it goes to the provider in the URL anyway). */
  readonly nonce: string;
  readonly returnUrl: string;
  readonly redirectUri: string;
  readonly invitationCode?: string;
  /** When it began (ms): stale records are swept. */
  readonly createdAt: number;
}

/** The result of {@link PendingSignIns.take}. */
export type TakeResult = { readonly kind: 'taken'; readonly record: PendingSignIn } | { readonly kind: 'used' } | { readonly kind: 'unknown' };

/** The server's pre-session lives 10 minutes; a record older than this can never complete. */
const PENDING_LIFETIME_MS = 15 * 60_000;
/** Used markers are kept long enough to recognise a reload or the back button. */
const USED_LIFETIME_MS = 24 * 60 * 60_000;

/** A `Storage`-like map for when `sessionStorage` is unavailable (privacy modes, sandboxed frames). */
class MemoryStorage {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;
let fallback: MemoryStorage | undefined;

function tabStorage(): StorageLike {
  try {
    const storage = globalThis.sessionStorage;
    const probe = '__portalkit_probe__';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return (fallback ??= new MemoryStorage());
  }
}

/** Pending redirect sign-ins for one server. */
export class PendingSignIns {
  readonly #prefix: string;
  readonly #storage: StorageLike;
  readonly #now: () => number;

  constructor(server: string, options: { storage?: StorageLike; now?: () => number } = {}) {
    this.#prefix = `portalkit.external.${server}.`;
    this.#storage = options.storage ?? tabStorage();
    this.#now = options.now ?? Date.now;
  }

  /** Remembers a sign-in under its flow id. */
  save(flowId: string, record: PendingSignIn): void {
    this.#sweep();
    this.#storage.setItem(this.#key('pending', flowId), JSON.stringify(record));
  }

  /**
   * Takes the record for `flowId` (removing it and marking the id used) BEFORE anything else happens,
   * so a callback can be processed once at most, even when its processing later fails.
   */
  take(flowId: string): TakeResult {
    const pendingKey = this.#key('pending', flowId);
    const usedKey = this.#key('used', flowId);
    if (this.#storage.getItem(usedKey) !== null) return { kind: 'used' };
    const raw = this.#storage.getItem(pendingKey);
    if (raw === null) return { kind: 'unknown' };
    this.#storage.removeItem(pendingKey);
    this.#storage.setItem(usedKey, String(this.#now()));
    const record = parseRecord(raw);
    if (!record || this.#now() - record.createdAt > PENDING_LIFETIME_MS) return { kind: 'unknown' };
    return { kind: 'taken', record };
  }

  /** Removes expired records and old used markers of this server. */
  #sweep(): void {
    const now = this.#now();
    const stale: string[] = [];
    for (let index = 0; index < this.#storage.length; index += 1) {
      const key = this.#storage.key(index);
      if (key === null || !key.startsWith(this.#prefix)) continue;
      const value = this.#storage.getItem(key) ?? '';
      const at = key.startsWith(`${this.#prefix}used.`) ? Number(value) : (parseRecord(value)?.createdAt ?? 0);
      const lifetime = key.startsWith(`${this.#prefix}used.`) ? USED_LIFETIME_MS : PENDING_LIFETIME_MS;
      if (!(now - at <= lifetime)) stale.push(key);
    }
    for (const key of stale) this.#storage.removeItem(key);
  }

  #key(kind: 'pending' | 'used', flowId: string): string {
    return `${this.#prefix}${kind}.${flowId}`;
  }
}

function parseRecord(raw: string): PendingSignIn | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const record = value as Record<string, unknown>;
    const strings = ['provider', 'nonce', 'returnUrl', 'redirectUri'] as const;
    if (strings.some((field) => typeof record[field] !== 'string') || typeof record['createdAt'] !== 'number') return null;
    if (record['invitationCode'] !== undefined && typeof record['invitationCode'] !== 'string') return null;
    return value as PendingSignIn;
  } catch {
    return null;
  }
}

/** A fresh, unguessable flow id (128 bits, base64url). */
export function newFlowId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
