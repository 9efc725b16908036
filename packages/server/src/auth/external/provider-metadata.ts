import { createRemoteJWKSet, errors } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { ProviderConfig } from '@portalkit/core';

/**
 * Thrown when the provider cannot be reached or answers with something unusable (its discovery
 * document or key set). The visitor's token may be fine; we just cannot check it (502).
 */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
  constructor(
    /** A stable reason for the audit log, e.g. `discovery-unreachable`, `jwks-unreachable`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Identity provider unavailable: ${reason}`, options);
  }
}

/** What verifying a provider's ID tokens needs, from its discovery document. */
export interface ProviderMetadata {
  /** The exact `iss` its ID tokens must carry. */
  readonly issuer: string;
  /** Resolves a token's signing key from the provider's JWKS (fetched, cached and refreshed by jose). */
  readonly keys: JWTVerifyGetKey;
}

/** Loopback hosts, where plain http is accepted (local development and tests), as the config validator does. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FETCH_TIMEOUT_MS = 5_000;
/** Discovery documents are a few kilobytes; anything much larger is not one. */
const MAX_DISCOVERY_BYTES = 256 * 1024;

/** Where a provider's discovery document lives (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrl(provider: ProviderConfig): string {
  const base = provider.type === 'oidc' ? provider.issuer : provider.authority;
  return `${base.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Per-provider metadata, fetched on first use and kept for the life of the process (or until the
 * provider's configuration changes). The key set itself is refreshed by jose: re-fetched when stale
 * and when a token names a key it does not know (at most every 30 s), which follows key rotation. A
 * failed fetch is not cached, so the next sign-in tries again.
 */
export class ProviderDirectory {
  readonly #cache = new Map<string, Promise<ProviderMetadata>>();

  constructor(private readonly fetchImpl: typeof fetch = fetch) {}

  metadata(provider: ProviderConfig): Promise<ProviderMetadata> {
    const key = cacheKey(provider);
    let entry = this.#cache.get(key);
    if (!entry) {
      entry = this.#load(provider);
      this.#cache.set(key, entry);
      entry.catch(() => {
        if (this.#cache.get(key) === entry) this.#cache.delete(key);
      });
    }
    return entry;
  }

  async #load(provider: ProviderConfig): Promise<ProviderMetadata> {
    const document = await this.#fetchDiscovery(discoveryUrl(provider));
    const discoveredIssuer = document['issuer'];
    if (typeof discoveredIssuer !== 'string' || discoveredIssuer === '') throw new ProviderUnavailableError('discovery-without-issuer');
    let issuer: string;
    if (provider.type === 'oidc') {
      // OpenID Connect Discovery §4.3: the document's issuer MUST equal the one we asked about;
      // otherwise a look-alike document could make us trust another issuer's tokens (mix-up).
      if (discoveredIssuer !== provider.issuer) throw new ProviderUnavailableError('discovery-issuer-mismatch');
      issuer = provider.issuer;
    } else {
      // Entra's multi-tenant documents carry a `{tenantid}` template: such a provider must name its issuer.
      issuer = provider.issuer ?? discoveredIssuer;
      if (issuer.includes('{')) throw new ProviderUnavailableError('issuer-template-unresolved');
    }
    const jwksUri = document['jwks_uri'];
    if (typeof jwksUri !== 'string' || !isAcceptableUrl(jwksUri)) throw new ProviderUnavailableError('discovery-bad-jwks-uri');
    return { issuer, keys: guardedKeySet(createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: FETCH_TIMEOUT_MS })) };
  }

  async #fetchDiscovery(url: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new ProviderUnavailableError('discovery-unreachable', { cause });
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new ProviderUnavailableError(`discovery-status-${response.status}`);
    }
    const declaredLength = Number(response.headers.get('content-length') ?? '0');
    if (declaredLength > MAX_DISCOVERY_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new ProviderUnavailableError('discovery-too-large');
    }
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      throw new ProviderUnavailableError('discovery-unreachable', { cause });
    }
    if (text.length > MAX_DISCOVERY_BYTES) throw new ProviderUnavailableError('discovery-too-large');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (cause) {
      throw new ProviderUnavailableError('discovery-not-json', { cause });
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new ProviderUnavailableError('discovery-not-an-object');
    return document as Record<string, unknown>;
  }
}

/** Everything about a provider that changes what its metadata is; a config reload that changes it refetches. */
function cacheKey(provider: ProviderConfig): string {
  return JSON.stringify([provider.id, provider.type, provider.type === 'oidc' ? provider.issuer : provider.authority, provider.issuer ?? null]);
}

function isAcceptableUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * jose reports a JWKS that cannot be fetched or parsed with the same kind of error as a token whose
 * key is unknown. Tell them apart here: a token naming a key the provider does not publish (or one that
 * cannot be used with its `alg`) is the token's fault (401); failing to get the key set is the provider's
 * (502).
 */
function guardedKeySet(remote: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (isProviderFailure(error)) throw new ProviderUnavailableError('jwks-unavailable', { cause: error });
      throw error;
    }
  };
}

function isProviderFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // fetch's own TypeError, a DNS or socket failure
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === errors.JOSEError.code;
}
