import type { PermissionSetClaims, Rights } from '@portalkit/core';
import { errorFromResponse } from '../errors/from-response.js';
import { PortalError } from '../errors/portal-error.js';
import { createPermissionCache } from '../storage/create-permission-cache.js';
import { ANONYMOUS_VISITOR, visitorKey } from '../storage/permission-cache.js';
import type { PermissionCache } from '../storage/permission-cache.js';
import { createWarmStartMirror } from '../storage/warm-start-mirror.js';
import type { WarmStartMirror } from '../storage/warm-start-mirror.js';
import { PermissionSetRejectedError } from './permission-set-rejected-error.js';
import { parseSigningKeySet, VerificationKeys } from './signing-keys.js';
import type { PublicSigningJwk, SigningKeySet } from './signing-keys.js';
import { verifyPermissionSet } from './verify-permission-set.js';
import { parseWarmStartEntry, warmStartEntry } from './warm-start-entry.js';

/** A permission set that passed verification just now, with the evaluator for its rights. */
export interface VerifiedPermissionSet {
  /** The compact JWS as the server signed it. */
  readonly token: string;
  readonly claims: PermissionSetClaims;
  /** The server's ETag for it, used to revalidate. */
  readonly etag: string | undefined;
  readonly rights: Rights;
}

/** Options of {@link PermissionSets}. */
export interface PermissionSetsOptions {
  /** The companion server's URL, without a trailing slash. */
  readonly server: string;
  /** The expected `iss` (default: `server`). */
  readonly issuer?: string;
  /** The expected `aud` (default: `site.audience` from the server's discovery document). */
  readonly audience?: string;
  /** A GET to a server path with extra headers, sending the session cookie; resolves with any status. */
  readonly get: (path: string, headers: Record<string, string>) => Promise<Response>;
  /** Where sets, keys and facts are kept (default: IndexedDB per server, memory when unavailable). */
  readonly cache?: PermissionCache;
  /**
   * The synchronous warm-start mirror of the current visitor's set (see {@link PermissionSets.readCached}),
   * or `null` for none. Default: the `localStorage` mirror per server when `cache` is the default one,
   * none when the caller brings its own cache (a memory-only client must not persist anything).
   */
  readonly mirror?: WarmStartMirror | null;
  /** Now, in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/** Options of {@link PermissionSets.refresh}. */
export interface RefreshOptions {
  /**
   * The visitor the set must belong to: a contact id, `null` for anonymous, or absent when the caller
   * does not know (a reload: the server's session decides). A mismatch throws
   * {@link PermissionSetRejectedError} and stores nothing.
   */
  readonly expectedSub?: string | null;
}

/** What verification needs from discovery, kept with the cache so a reload decides offline. */
interface VerificationFacts {
  readonly issuer: string;
  readonly audience: string;
}

/** A set as stored under its visitor key. */
interface StoredSet {
  readonly token: string;
  readonly etag?: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseStoredSet(value: unknown): StoredSet | undefined {
  if (!isRecord(value) || typeof value['token'] !== 'string') return undefined;
  const etag = value['etag'];
  if (etag !== undefined && typeof etag !== 'string') return undefined;
  return etag === undefined ? { token: value['token'] } : { token: value['token'], etag };
}

/** What a set was verified with, kept for writing the warm-start mirror. */
interface Provenance {
  readonly audience: string;
  readonly jwk: PublicSigningJwk;
}

/**
 * The visitor's permission sets: fetched from `GET /permissions`, verified with WebCrypto against the
 * server's JWK Set, kept in a {@link PermissionCache} per visitor, and revalidated by ETag. Nothing read
 * back from the cache is trusted: every read verifies the set again, and an entry that fails is
 * deleted. Methods report failures as {@link PortalError}s; {@link readCached} never rejects.
 *
 * The current visitor's set is also mirrored into a synchronous {@link WarmStartMirror}
 * (`localStorage`) so that a reload decides before first paint: opening IndexedDB on a fresh page costs
 * ~5 ms in Chromium, the whole first-decision budget. This is not a trust downgrade: a mirror entry is
 * verified with exactly the rules of an IndexedDB entry (same {@link verifyPermissionSet} call: `typ`,
 * `alg`, `iss`, `aud`, `exp`/`nbf`/`iat` with skew, `sub` equal to the visitor it is filed under) and
 * removed when it fails, and a script able to write either store could rewrite the DOM anyway.
 * IndexedDB stays the store of record (every visitor, ETags, the JWK Set, the discovery facts).
 */
export class PermissionSets {
  readonly #server: string;
  readonly #issuer: string;
  readonly #get: PermissionSetsOptions['get'];
  readonly #cache: PermissionCache;
  readonly #now: () => number;
  readonly #keys = new VerificationKeys();
  readonly #mirror: WarmStartMirror | null;
  /** The key and audience each set in use was verified with (for the mirror entry). */
  readonly #provenance = new WeakMap<VerifiedPermissionSet, Provenance>();
  /** The audience, once known from the option or from discovery in this page (never from the cache). */
  #audience: string | undefined;
  readonly #audienceOption: string | undefined;
  #discovery: Promise<string> | undefined;
  /** The JWK Set as last fetched from the server in this page. */
  #keySet: SigningKeySet | undefined;
  /** The set this instance verified last, for revalidation without a cache read. */
  #current: VerifiedPermissionSet | undefined;
  readonly #inFlight = new Map<string, Promise<VerifiedPermissionSet>>();
  /** Bumped by {@link clear}: a refresh that started before a clear does not store its result. */
  #generation = 0;

  constructor(options: PermissionSetsOptions) {
    this.#server = options.server.replace(/\/+$/, '');
    this.#issuer = options.issuer ?? this.#server;
    this.#audience = options.audience;
    this.#audienceOption = options.audience;
    this.#get = options.get;
    this.#cache = options.cache ?? createPermissionCache({ server: this.#server });
    this.#mirror = options.mirror !== undefined ? options.mirror : options.cache === undefined ? createWarmStartMirror({ server: this.#server }) : null;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The last visitor's set from the cache, verified again now (signature against the cached JWK Set,
   * issuer, audience, validity, and `sub` equal to the visitor it is filed under). No network. An entry
   * that fails is deleted and the answer is `null`; so is every storage failure. Never rejects.
   *
   * The warm-start mirror is tried first (a synchronous read, no IndexedDB open), verified with the
   * same rules against the key and facts it carries; a mirror entry that fails is removed and the
   * IndexedDB entry decides instead. A set read from IndexedDB refreshes the mirror. A {@link clear}
   * while this runs makes the answer `null`: the cleared visitor's set is never handed out.
   */
  async readCached(): Promise<VerifiedPermissionSet | null> {
    const generation = this.#generation;
    const settle = (verified: VerifiedPermissionSet): VerifiedPermissionSet | null => {
      if (generation !== this.#generation) return null;
      // Held for revalidation: the next refresh() sends its ETag.
      this.#current = verified;
      return verified;
    };
    const mirrored = await this.#readMirror();
    if (mirrored) return settle(mirrored);
    try {
      const { current, set, jwks, facts } = await this.#cache.readCurrent();
      if (current === undefined) return null;
      if (typeof current !== 'string' || current === '') {
        await this.#cache.delete('meta', 'current');
        return null;
      }
      const keySet = parseSigningKeySet(jwks);
      if (!keySet) {
        if (jwks !== undefined) await this.#cache.delete('meta', 'jwks');
        return null;
      }
      const audience = this.#audience ?? (await this.#audienceFromFacts(facts));
      if (audience === undefined) return null;
      const entry = parseStoredSet(set);
      const expectedSub = current === ANONYMOUS_VISITOR ? null : current;
      const verified = entry && (await this.#tryVerify(entry, expectedSub, keySet, audience));
      if (!verified) {
        await this.#forget(current);
        return null;
      }
      const settled = settle(verified);
      if (settled) this.#writeMirror(current, settled);
      return settled;
    } catch {
      return null;
    }
  }

  /**
   * Fetches the visitor's set (`If-None-Match` when one is held; a 304 keeps it if it is still valid),
   * verifies it, fetching the JWK Set when its `kid` is new, and stores it as the current visitor's.
   * Concurrent calls with the same options share one request.
   * @throws {PermissionSetRejectedError} when the set fails verification (nothing is stored)
   * @throws {PortalError} when the server cannot be reached or answers with an error
   */
  refresh(options: RefreshOptions = {}): Promise<VerifiedPermissionSet> {
    const { expectedSub } = options;
    const key = expectedSub === undefined ? '?' : expectedSub === null ? '-' : `=${expectedSub}`;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#refresh(expectedSub, this.#generation);
      this.#inFlight.set(key, pending);
      const settled = pending;
      const done = (): void => {
        if (this.#inFlight.get(key) === settled) this.#inFlight.delete(key);
      };
      settled.then(done, done);
    }
    return pending;
  }

  /**
   * Forgets a visitor's set (`sub`: a contact id, `null` for anonymous, absent for the current visitor),
   * and the current pointer if it points there. Refreshes already under way do not store their result.
   */
  async clear(sub?: string | null): Promise<void> {
    this.#generation++;
    this.#inFlight.clear();
    // Synchronously, before any await: a reload from here on cannot decide from the cleared set.
    this.#removeMirror(sub === undefined ? undefined : visitorKey(sub));
    const current = await this.#cache.get('meta', 'current');
    const key = sub === undefined ? (typeof current === 'string' ? current : this.#currentKey()) : visitorKey(sub);
    if (this.#currentKey() === key) this.#current = undefined;
    if (key === undefined) return;
    await this.#cache.delete('sets', key);
    if (current === key) await this.#cache.delete('meta', 'current');
  }

  #currentKey(): string | undefined {
    return this.#current ? visitorKey(this.#current.claims.sub) : undefined;
  }

  async #refresh(expectedSub: string | null | undefined, generation: number): Promise<VerifiedPermissionSet> {
    const held = this.#current ?? (await this.readCached()) ?? undefined;
    let response = await this.#get('/permissions', held?.etag ? { 'If-None-Match': held.etag } : {});
    if (response.status === 304 && held) {
      // Unchanged on the server, but it may have expired here, or belong to someone else than expected.
      try {
        return await this.#keep(await this.#verifyFresh(held, expectedSub), generation);
      } catch (error) {
        if (!(error instanceof PermissionSetRejectedError)) throw error;
      }
      response = await this.#get('/permissions', {});
    }
    if (response.status === 304) response = await this.#get('/permissions', {});
    if (!response.ok) throw await errorFromResponse(response);
    const token = (await response.text()).trim();
    const etag = response.headers.get('ETag') ?? undefined;
    const verified = await this.#verifyFresh(etag === undefined ? { token } : { token, etag }, expectedSub);
    return this.#keep(verified, generation);
  }

  /** Stores a verified set as its visitor's and makes it current, unless a clear happened meanwhile. */
  async #keep(verified: VerifiedPermissionSet, generation: number): Promise<VerifiedPermissionSet> {
    if (generation !== this.#generation) return verified;
    this.#current = verified;
    const key = visitorKey(verified.claims.sub);
    // A revalidated set is usually stored already: a read is cheaper than rewriting it on every page.
    // The mirror first and synchronously: it is what the next reload decides from.
    this.#writeMirror(key, verified);
    const { current, set } = await this.#cache.readCurrent();
    if (generation !== this.#generation) return verified;
    const held = parseStoredSet(set);
    if (current === key && held?.token === verified.token && held.etag === verified.etag) return verified;
    const stored: StoredSet = verified.etag === undefined ? { token: verified.token } : { token: verified.token, etag: verified.etag };
    await this.#cache.put('sets', key, stored);
    await this.#cache.put('meta', 'current', key);
    return verified;
  }

  /**
   * Verifies a set from the server with the keys and audience held. What came from the cache may be
   * stale or planted, so a signature or unknown-kid failure is retried once with a freshly fetched JWK
   * Set, and an audience failure once with a fresh discovery document; a failure against fresh facts is final.
   */
  async #verifyFresh(entry: StoredSet, expectedSub: string | null | undefined): Promise<VerifiedPermissionSet> {
    let audience = await this.#requireAudience();
    let audienceFresh = this.#audienceTrusted();
    let keySet = this.#keySet ?? parseSigningKeySet(await this.#cache.get('meta', 'jwks'));
    let keysFresh = keySet === this.#keySet && keySet !== undefined;
    if (!keySet) {
      keySet = await this.#fetchKeySet();
      keysFresh = true;
    }
    for (;;) {
      try {
        return await this.#verify(entry, expectedSub, keySet, audience);
      } catch (error) {
        if (!(error instanceof PermissionSetRejectedError)) throw error;
        if (!keysFresh && (error.reason === 'unknown-key' || error.reason === 'signature')) {
          keySet = await this.#fetchKeySet();
          keysFresh = true;
        } else if (!audienceFresh && error.reason === 'audience') {
          audience = await this.#rediscoverAudience();
          audienceFresh = true;
        } else {
          throw error;
        }
      }
    }
  }

  async #verify(entry: StoredSet, expectedSub: string | null | undefined, keySet: SigningKeySet, audience: string): Promise<VerifiedPermissionSet> {
    const { claims, rights, kid } = await verifyPermissionSet(entry.token, {
      issuer: this.#issuer,
      audience,
      expectedSub,
      keySet,
      keys: this.#keys,
      now: this.#now(),
    });
    const verified: VerifiedPermissionSet = { token: entry.token, claims, etag: entry.etag, rights };
    const jwk = keySet.keys.find((key) => key.kid === kid);
    if (jwk) this.#provenance.set(verified, { audience, jwk });
    return verified;
  }

  /**
   * The mirror's set, verified like an IndexedDB entry: its `visitor` plays the `current` pointer, its
   * key the cached JWK Set, its facts the cached facts (the issuer must be this page's; an audience
   * given to or discovered by this page wins over the mirror's). Removed when anything fails.
   */
  async #readMirror(): Promise<VerifiedPermissionSet | undefined> {
    const read = this.#mirror?.read();
    if (!read?.found) return undefined;
    const entry = parseWarmStartEntry(read.value);
    const verified =
      entry && entry.issuer === this.#issuer
        ? await this.#tryVerify(
            entry.etag === undefined ? { token: entry.token } : { token: entry.token, etag: entry.etag },
            entry.visitor === ANONYMOUS_VISITOR ? null : entry.visitor,
            { keys: [entry.jwk] },
            this.#audience ?? entry.audience,
          )
        : undefined;
    if (!verified) this.#mirror?.remove();
    return verified;
  }

  /** Mirrors the current visitor's verified set (removing the mirror when it cannot be described). */
  #writeMirror(key: string, verified: VerifiedPermissionSet): void {
    if (!this.#mirror) return;
    const provenance = this.#provenance.get(verified);
    if (!provenance) {
      this.#mirror.remove();
      return;
    }
    this.#mirror.write(warmStartEntry(key, verified, { issuer: this.#issuer, ...provenance }));
  }

  /** Removes the mirror when it holds `key`'s set (any visitor's when `key` is absent) or is unreadable. */
  #removeMirror(key: string | undefined): void {
    const read = this.#mirror?.read();
    if (!read?.found) return;
    const held = parseWarmStartEntry(read.value);
    // Another visitor's intact entry stays: clearing one visitor never touches the current one.
    if (key !== undefined && held !== undefined && held.visitor !== key) return;
    this.#mirror?.remove();
  }

  async #tryVerify(
    entry: StoredSet,
    expectedSub: string | null | undefined,
    keySet: SigningKeySet,
    audience: string,
  ): Promise<VerifiedPermissionSet | undefined> {
    try {
      return await this.#verify(entry, expectedSub, keySet, audience);
    } catch {
      return undefined;
    }
  }

  /** Deletes a visitor's cached set and the pointer to it. */
  async #forget(key: string): Promise<void> {
    if (this.#currentKey() === key) this.#current = undefined;
    this.#removeMirror(key);
    await this.#cache.delete('sets', key);
    await this.#cache.delete('meta', 'current');
  }

  async #fetchKeySet(): Promise<SigningKeySet> {
    const response = await this.#get('/.well-known/jwks.json', { Accept: 'application/json' });
    if (!response.ok) throw await errorFromResponse(response);
    const raw: unknown = await response.json().catch(() => undefined);
    const keySet = parseSigningKeySet(raw);
    if (!keySet) throw new PortalError('The server sent no JWK Set', { status: response.status, code: 'malformed-response' });
    this.#keySet = keySet;
    await this.#cache.put('meta', 'jwks', keySet);
    return keySet;
  }

  /** The audience from the option or the cached discovery facts (deleting facts that make no sense). */
  async #cachedAudience(): Promise<string | undefined> {
    if (this.#audience !== undefined) return this.#audience;
    return this.#audienceFromFacts(await this.#cache.get('meta', 'facts'));
  }

  async #audienceFromFacts(facts: unknown): Promise<string | undefined> {
    if (facts === undefined) return undefined;
    if (isRecord(facts) && facts['issuer'] === this.#issuer && typeof facts['audience'] === 'string' && facts['audience'] !== '') {
      return facts['audience'];
    }
    await this.#cache.delete('meta', 'facts');
    return undefined;
  }

  /** The audience, from discovery if neither the option nor the cache has it (fetched once per page). */
  async #requireAudience(): Promise<string> {
    const known = this.#audience ?? (await this.#cachedAudience());
    return known ?? this.#discover();
  }

  /** Whether the audience in use came from the option or this page's discovery, not from the cache. */
  #audienceTrusted(): boolean {
    return this.#audience !== undefined;
  }

  /** The cached audience failed a fresh set: ask discovery (once per page; shared by concurrent callers). */
  async #rediscoverAudience(): Promise<string> {
    return this.#audienceOption ?? this.#audience ?? this.#discover();
  }

  async #discover(): Promise<string> {
    this.#discovery ??= this.#discoverAudience();
    try {
      return await this.#discovery;
    } catch (error) {
      this.#discovery = undefined;
      throw error;
    }
  }

  async #discoverAudience(): Promise<string> {
    const response = await this.#get('/.well-known/portalkit', { Accept: 'application/json' });
    if (!response.ok) throw await errorFromResponse(response);
    const document: unknown = await response.json().catch(() => undefined);
    const site = isRecord(document) ? document['site'] : undefined;
    const audience = isRecord(site) ? site['audience'] : undefined;
    if (typeof audience !== 'string' || audience === '') {
      throw new PortalError('The discovery document names no site audience', { status: response.status, code: 'malformed-response' });
    }
    this.#audience = audience;
    const facts: VerificationFacts = { issuer: this.#issuer, audience };
    await this.#cache.put('meta', 'facts', facts);
    return audience;
  }
}
