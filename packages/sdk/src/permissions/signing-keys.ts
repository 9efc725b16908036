/** A public key as the server's `/.well-known/jwks.json` publishes it (only the members we use). */
export interface PublicSigningJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg?: 'ES256';
  readonly use?: 'sig';
}

/** A JWK Set reduced to the keys that can verify a permission set. */
export interface SigningKeySet {
  readonly keys: readonly PublicSigningJwk[];
}

const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a JWK Set from untrusted JSON (the network or a cache that may hold anything): keeps the EC
 * P-256 signing keys, drops everything else. Returns `undefined` when the value is not a JWK Set at all,
 * so a corrupt cache entry is told apart from a set that merely has no usable key.
 */
export function parseSigningKeySet(value: unknown): SigningKeySet | undefined {
  if (!isRecord(value) || !Array.isArray(value['keys'])) return undefined;
  const keys: PublicSigningJwk[] = [];
  for (const key of value['keys'] as unknown[]) {
    if (!isRecord(key)) continue;
    const { kty, crv, x, y, kid, alg, use } = key;
    if (kty !== 'EC' || crv !== 'P-256' || typeof kid !== 'string' || kid === '') continue;
    if (typeof x !== 'string' || typeof y !== 'string' || !COORDINATE.test(x) || !COORDINATE.test(y)) continue;
    if ((alg !== undefined && alg !== 'ES256') || (use !== undefined && use !== 'sig')) continue;
    // Private members ('d') are never copied: only what verification needs is kept or stored.
    keys.push({ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' });
  }
  return { keys };
}

/**
 * Imported verification keys, cached per kid *and* coordinates: importing costs more than verifying, and
 * keying on the coordinates too means a different key published (or planted) under a known kid is never
 * answered with the old one.
 */
export class VerificationKeys {
  readonly #imported = new Map<string, Promise<CryptoKey>>();

  /** The key in `keySet` named `kid`, imported for ES256 verification; `undefined` when there is none. */
  async find(keySet: SigningKeySet, kid: string): Promise<CryptoKey | undefined> {
    const jwk = keySet.keys.find((key) => key.kid === kid);
    if (!jwk) return undefined;
    const cacheKey = `${jwk.kid}\n${jwk.x}\n${jwk.y}`;
    let key = this.#imported.get(cacheKey);
    if (!key) {
      key = crypto.subtle.importKey(
        'jwk',
        { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: false },
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['verify'],
      );
      this.#imported.set(cacheKey, key);
      // A point that is not on the curve fails to import: forget it so the map holds only usable keys.
      key.catch(() => this.#imported.delete(cacheKey));
    }
    try {
      return await key;
    } catch {
      return undefined;
    }
  }
}
