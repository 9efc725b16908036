import { createHash } from 'node:crypto';
import { CompactSign } from 'jose';
import type { CryptoKey } from 'jose';
import { buildPermissionSetClaims, canonicalJson } from '@portalkit/core';
import type { PermissionSetClaims, PortalModel } from '@portalkit/core';
import type { RequestVisitor } from '../sessions/visitors.js';
import type { Clock } from '../util/clock.js';
import { SIGNING_ALGORITHM } from './signing-keys.js';
import type { SigningKeys } from './signing-keys.js';

/** The JWS `typ` of a permission set: a browser refuses anything else (no confusion with ID tokens). */
export const PERMISSION_SET_TYPE = 'permset+jwt';

/** A signed permission set and what identifies it. */
export interface IssuedPermissionSet {
  /** The compact JWS. */
  readonly token: string;
  /** A strong ETag naming this exact token. */
  readonly etag: string;
  readonly kid: string;
  readonly ver: string;
  /** `iat`, seconds since the epoch. */
  readonly issuedAt: number;
}

/** How many signed sets are kept (one per session and rights version, plus the anonymous one). */
const DEFAULT_CACHE_ENTRIES = 10_000;

/**
 * The `sid` claim for a session: derived from the stored hash of the session secret, so the set names
 * the session without carrying the cookie value or its database key (a leaked set opens nothing).
 */
export function permissionSetSessionId(sessionIdHash: string): string {
  return createHash('sha256').update(`sid:${sessionIdHash}`, 'utf8').digest('base64url').slice(0, 22);
}

/**
 * Issues signed permission sets. The claims are recomputed for every request (cheap and pure), so a
 * role change shows at once as a new `ver`; the signature is not: a token for the same session,
 * rights version and key is reused while less than half its lifetime has passed, so equal rights do
 * not cost a signature per request and a page always receives a set with at least half its life left.
 */
export class PermissionSets {
  /** Insertion order is recency order (re-inserted on use): the first entry is the least recently used. */
  readonly #cache = new Map<string, { readonly issuedAt: number; readonly set: Promise<IssuedPermissionSet> }>();
  #cachedFor: PortalModel | undefined;

  constructor(
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    private readonly maxEntries = DEFAULT_CACHE_ENTRIES,
  ) {}

  async issue(model: PortalModel, visitor: RequestVisitor, issuer: string): Promise<IssuedPermissionSet> {
    const sessionId = visitor.contactId && visitor.session ? permissionSetSessionId(visitor.session.id_hash) : undefined;
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const claims = buildPermissionSetClaims(model, visitor, { issuer, issuedAt, sessionId });
    const key = await this.keys.activeKey();

    // A reloaded configuration may change what `ver` does not cover (audience, lifetime): start over.
    if (this.#cachedFor !== model) {
      this.#cache.clear();
      this.#cachedFor = model;
    }
    const cacheKey = JSON.stringify([sessionId ?? 'anonymous', claims.ver, key.kid, issuer]);
    const halfLife = (claims.exp - claims.iat) / 2;
    const cached = this.#cache.get(cacheKey);
    this.#cache.delete(cacheKey);
    if (cached && issuedAt >= cached.issuedAt && issuedAt - cached.issuedAt < halfLife) {
      this.#cache.set(cacheKey, cached);
      return cached.set;
    }

    const set = sign(claims, key.kid, key.privateKey);
    const entry = { issuedAt, set };
    this.#cache.set(cacheKey, entry);
    set.catch(() => {
      if (this.#cache.get(cacheKey) === entry) this.#cache.delete(cacheKey);
    });
    while (this.#cache.size > this.maxEntries) {
      const oldest = this.#cache.keys().next();
      if (oldest.done) break;
      this.#cache.delete(oldest.value);
    }
    return set;
  }
}

async function sign(claims: PermissionSetClaims, kid: string, privateKey: CryptoKey): Promise<IssuedPermissionSet> {
  // The claims are canonical JSON, so equal rights give byte-equal payloads.
  const token = await new CompactSign(new TextEncoder().encode(canonicalJson(claims)))
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: PERMISSION_SET_TYPE })
    .sign(privateKey);
  return { token, etag: `"${kid}.${claims.ver}.${claims.iat}"`, kid, ver: claims.ver, issuedAt: claims.iat };
}
