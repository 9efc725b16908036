import { errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import type { ProviderConfig } from '@portalkit/core';
import { safeEqual } from '../../util/secrets.js';
import type { ProviderMetadata } from './provider-metadata.js';
import { ProviderUnavailableError } from './provider-metadata.js';

/** Clock skew tolerated between the provider and us, in seconds, on `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 30;

/** Used when a provider does not list its own `algorithms`. */
export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'ES256'];

/**
 * Asymmetric JWS algorithms only. `none` and the HMAC family are never accepted, whatever the
 * configuration says: with HS256 an attacker signs with the provider's PUBLIC key as the secret.
 */
const ASYMMETRIC = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** `sub` is at most 255 ASCII characters (OpenID Connect Core §2); allow some slack, refuse essays. */
const MAX_SUBJECT_LENGTH = 512;

/** Why a token was refused: a stable string for the audit log, never shown to the visitor. */
export class IdTokenRejectedError extends Error {
  override name = 'IdTokenRejectedError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the token must say, beyond being signed by the provider. */
export interface IdTokenExpectations {
  readonly provider: ProviderConfig;
  /** The nonce the pre-session bound to this browser. */
  readonly nonce: string;
  /** Now, from the server's clock (ms). */
  readonly now: number;
  /** When the sign-in began (ms): a token issued before its nonce existed was not issued for it. */
  readonly begunAt: number;
}

/** A verified ID token: who the provider says signed in, and the claims to map from. */
export interface VerifiedIdToken {
  readonly issuer: string;
  readonly subject: string;
  readonly claims: JWTPayload;
}

/** The algorithms a provider's tokens may use: its own list (asymmetric ones only) or the default. */
export function allowedAlgorithms(provider: ProviderConfig): string[] {
  return (provider.algorithms ?? DEFAULT_ALGORITHMS).filter((alg) => ASYMMETRIC.has(alg));
}

/**
 * Verifies an ID token (OpenID Connect Core §3.1.3.7): signature against the provider's published keys
 * with an allow-listed algorithm, `iss`, `aud` (and `azp` when there are several audiences), `exp`,
 * `nbf` and `iat` with a small skew, the nonce, and `sub`. Throws {@link IdTokenRejectedError} with the
 * precise reason, or {@link ProviderUnavailableError} when the keys cannot be fetched.
 */
export async function verifyIdToken(token: string, metadata: ProviderMetadata, expect: IdTokenExpectations): Promise<VerifiedIdToken> {
  const { provider } = expect;
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, metadata.keys, {
      algorithms: allowedAlgorithms(provider),
      issuer: metadata.issuer,
      audience: provider.clientId,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(expect.now),
    }));
  } catch (error) {
    if (error instanceof ProviderUnavailableError) throw error;
    throw rejection(error);
  }

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  // §3.1.3.7 items 4–5: with several audiences, the token must say it was issued to us.
  if (audiences.length > 1 && claims['azp'] === undefined) throw new IdTokenRejectedError('azp-missing', 'several audiences and no azp');
  if (claims['azp'] !== undefined && claims['azp'] !== provider.clientId) throw new IdTokenRejectedError('azp-mismatch', 'azp is not our client id');

  const nowSeconds = Math.floor(expect.now / 1000);
  const issuedAt = claims.iat as number; // required above, and jose checked that it is a number
  if (issuedAt > nowSeconds + CLOCK_SKEW_SECONDS) throw new IdTokenRejectedError('iat-in-future', 'iat is in the future');
  if (issuedAt < Math.floor(expect.begunAt / 1000) - CLOCK_SKEW_SECONDS) throw new IdTokenRejectedError('issued-before-begin', 'iat is before the sign-in began');

  const nonce = claims['nonce'];
  if (typeof nonce !== 'string' || !safeEqual(nonce, expect.nonce)) throw new IdTokenRejectedError('nonce-mismatch', 'nonce does not match the pre-session');

  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '' || subject.length > MAX_SUBJECT_LENGTH) throw new IdTokenRejectedError('bad-subject', 'sub is empty or too long');
  return { issuer: metadata.issuer, subject, claims };
}

/** Maps jose's errors to stable audit reasons. */
function rejection(error: unknown): IdTokenRejectedError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.JWTExpired) return new IdTokenRejectedError('expired', message);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new IdTokenRejectedError(error.reason === 'missing' ? `${error.claim}-missing` : `${error.claim}-invalid`, message);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new IdTokenRejectedError('algorithm-not-allowed', message);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new IdTokenRejectedError('bad-signature', message);
  if (error instanceof errors.JWKSNoMatchingKey) return new IdTokenRejectedError('unknown-key', message);
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new IdTokenRejectedError('ambiguous-key', message);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new IdTokenRejectedError('malformed', message);
  if (error instanceof errors.JOSEError) return new IdTokenRejectedError(`jose-${error.code.toLowerCase()}`, message);
  return new IdTokenRejectedError('unverifiable', message);
}
