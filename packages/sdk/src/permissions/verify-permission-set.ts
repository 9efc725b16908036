import { rightsFromClaims } from '@portalkit/core';
import type { PermissionSetClaims, Rights } from '@portalkit/core';
import { decodeBase64Url, decodeBase64UrlJson } from './base64url.js';
import { PermissionSetRejectedError } from './permission-set-rejected-error.js';
import type { SigningKeySet, VerificationKeys } from './signing-keys.js';

/** The JWS `typ` the server gives permission sets: an ID token or any other JWT is never taken for one. */
export const PERMISSION_SET_TYPE = 'permset+jwt';

/** Clock difference tolerated between browser and server for `exp`, `nbf` and `iat`, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;

/** Longest token accepted: far above any real set, low enough that junk is refused before any work. */
const MAX_TOKEN_LENGTH = 512 * 1024;

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** What a permission set must match to be believed. */
export interface VerificationExpectations {
  /** The server's issuer URL (`iss`). */
  readonly issuer: string;
  /** The site's audience (`aud`). */
  readonly audience: string;
  /**
   * The visitor the set must belong to: a contact id (`sub` must equal it), `null` (anonymous: the set
   * must have no `sub`), or `undefined` when the caller does not know yet (any visitor).
   */
  readonly expectedSub?: string | null | undefined;
  /** The JWK Set to find the signing key in. */
  readonly keySet: SigningKeySet;
  /** Imported-key cache shared across verifications. */
  readonly keys: VerificationKeys;
  /** Now, in milliseconds since the epoch. */
  readonly now: number;
}

/** A permission set whose signature and claims were checked, with the evaluator for its rights. */
export interface VerifiedClaims {
  readonly claims: PermissionSetClaims;
  readonly rights: Rights;
  /** The `kid` that signed it. */
  readonly kid: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function reject(reason: PermissionSetRejectedError['reason']): never {
  throw new PermissionSetRejectedError(reason);
}

/**
 * Verifies a compact-JWS permission set with WebCrypto: the header must be exactly
 * `{ alg: 'ES256', kid, typ: 'permset+jwt' }` (so `none`, HMAC, embedded or remote keys are refused),
 * the raw r‖s signature must verify under the JWK Set's key for `kid`, and the claims must name this
 * issuer and audience, be inside their validity window (±{@link CLOCK_SKEW_SECONDS}), and belong to the
 * expected visitor. Throws {@link PermissionSetRejectedError} for anything else; `reason: 'unknown-key'`
 * tells the caller a fresher JWK Set may help.
 */
export async function verifyPermissionSet(token: unknown, expect: VerificationExpectations): Promise<VerifiedClaims> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) reject('malformed');
  const segments = token.split('.');
  if (segments.length !== 3 || !segments.every((segment) => SEGMENT.test(segment))) {
    reject('malformed');
  }
  const [headerSegment, payloadSegment, signatureSegment] = segments as [string, string, string];

  const header = decodeBase64UrlJson(headerSegment);
  if (!isRecord(header)) reject('malformed');
  const headerKeys = Object.keys(header).sort().join(',');
  if (headerKeys !== 'alg,kid,typ' || header['alg'] !== 'ES256' || header['typ'] !== PERMISSION_SET_TYPE) {
    reject('header');
  }
  const kid = header['kid'];
  if (typeof kid !== 'string' || kid === '') reject('header');

  // ES256 signatures are the raw 32-byte r and s, which is what WebCrypto's ECDSA takes.
  const signature = decodeBase64Url(signatureSegment);
  if (!signature || signature.length !== 64) reject('signature');
  const key = await expect.keys.find(expect.keySet, kid);
  if (!key) reject('unknown-key');
  const signed = new TextEncoder().encode(`${headerSegment}.${payloadSegment}`);
  const valid = await crypto.subtle
    .verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, signed)
    .catch(() => false);
  if (!valid) reject('signature');

  const claims = decodeBase64UrlJson(payloadSegment);
  if (!isRecord(claims)) reject('claims');
  checkClaims(claims, expect);
  const typed = claims as unknown as PermissionSetClaims;
  let rights: Rights;
  try {
    rights = rightsFromClaims(typed);
  } catch {
    reject('claims');
  }
  return { claims: typed, rights, kid };
}

function checkClaims(claims: Record<string, unknown>, expect: VerificationExpectations): void {
  const { iss, aud, sub, exp, nbf, iat, ver, account } = claims;
  if (iss !== expect.issuer) reject('issuer');
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expect.audience)) reject('audience');

  const now = expect.now / 1000;
  if (!isTime(exp)) reject('claims');
  if (now > exp + CLOCK_SKEW_SECONDS) reject('expired');
  if (nbf !== undefined && (!isTime(nbf) || nbf > now + CLOCK_SKEW_SECONDS)) reject('not-yet-valid');
  if (!isTime(iat) || iat > now + CLOCK_SKEW_SECONDS || iat > exp) reject('issued-at');

  if (sub !== undefined && (typeof sub !== 'string' || sub === '')) reject('claims');
  if (account !== undefined && (typeof account !== 'string' || account === '')) reject('claims');
  if (expect.expectedSub === null && sub !== undefined) reject('subject');
  if (typeof expect.expectedSub === 'string' && sub !== expect.expectedSub) reject('subject');

  if (typeof ver !== 'string') reject('claims');
  const { roles, tables, columns, pages, website } = claims;
  const wellFormed =
    Array.isArray(roles) &&
    roles.every((role) => typeof role === 'string') &&
    isRecord(tables) &&
    Object.values(tables).every(isRecord) &&
    isRecord(columns) &&
    Object.values(columns).every(isRecord) &&
    Array.isArray(pages) &&
    pages.every((rule) => isRecord(rule) && typeof rule['path'] === 'string') &&
    isRecord(website);
  if (!wellFormed) reject('claims');
}
