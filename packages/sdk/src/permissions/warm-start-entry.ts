import { parseSigningKeySet } from './signing-keys.js';
import type { PublicSigningJwk } from './signing-keys.js';

/**
 * What the warm-start mirror (storage/warm-start-mirror.ts) holds for the current visitor: everything
 * verifying their set needs, so a reload verifies it without opening IndexedDB. Nothing in it is
 * trusted: {@link parseWarmStartEntry} checks its shape, and the token is then verified exactly like a
 * set read from IndexedDB, with `visitor` standing in for IndexedDB's `current` pointer.
 */
export interface WarmStartEntry {
  readonly v: 1;
  /** The visitor key the set must belong to (a contact id, or `anonymous`). */
  readonly visitor: string;
  readonly token: string;
  readonly etag?: string;
  /** The issuer the set was verified for (must equal the one this page expects). */
  readonly issuer: string;
  /** The audience the set was verified for (used when the page has no audience of its own yet). */
  readonly audience: string;
  /** The public key for the token's `kid`, as reduced by {@link parseSigningKeySet}. */
  readonly jwk: PublicSigningJwk;
}

const ENTRY_MEMBERS = new Set(['v', 'visitor', 'token', 'etag', 'issuer', 'audience', 'jwk']);
const JWK_MEMBERS = new Set(['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Reads a mirror entry from untrusted JSON, strictly: exactly the known members with the right types,
 * and a public EC P-256 key with no other member (a private `d`, or anything else, refuses the entry).
 * Returns `undefined` for anything else.
 */
export function parseWarmStartEntry(value: unknown): WarmStartEntry | undefined {
  if (!isRecord(value) || !Object.keys(value).every((member) => ENTRY_MEMBERS.has(member))) return undefined;
  const { v, visitor, token, etag, issuer, audience, jwk } = value;
  if (v !== 1 || !nonEmptyString(visitor) || !nonEmptyString(token) || !nonEmptyString(issuer) || !nonEmptyString(audience)) {
    return undefined;
  }
  if (etag !== undefined && typeof etag !== 'string') return undefined;
  if (!isRecord(jwk) || !Object.keys(jwk).every((member) => JWK_MEMBERS.has(member))) return undefined;
  const [key, ...others] = parseSigningKeySet({ keys: [jwk] })?.keys ?? [];
  if (!key || others.length > 0) return undefined;
  const entry = { v, visitor, token, issuer, audience, jwk: key } as const;
  return etag === undefined ? entry : { ...entry, etag };
}

/** The entry for a set just verified under `jwk` for `issuer` and `audience`. */
export function warmStartEntry(
  visitor: string,
  set: { readonly token: string; readonly etag: string | undefined },
  facts: { readonly issuer: string; readonly audience: string; readonly jwk: PublicSigningJwk },
): WarmStartEntry {
  const entry = { v: 1, visitor, token: set.token, issuer: facts.issuer, audience: facts.audience, jwk: facts.jwk } as const;
  return set.etag === undefined ? entry : { ...entry, etag: set.etag };
}
