import { PortalError } from '../errors/portal-error.js';

/** Why a permission set was refused. */
export type PermissionSetRejection =
  /** Not a compact JWS, or its header or claims are not base64url JSON. */
  | 'malformed'
  /** The header is not exactly `{ alg: 'ES256', kid, typ: 'permset+jwt' }`. */
  | 'header'
  /** No usable key for its `kid` in the JWK Set held (a fresher JWK Set may have it). */
  | 'unknown-key'
  /** The signature does not verify. */
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-at'
  /** It belongs to another visitor than the expected one. */
  | 'subject'
  /** A claim is missing or has the wrong type. */
  | 'claims';

/**
 * A permission set (from the server or the cache) failed verification. Nothing it says is used: the
 * page keeps deciding from the last verified set, or from none (everything protected stays closed).
 */
export class PermissionSetRejectedError extends PortalError {
  /** What failed. */
  readonly reason: PermissionSetRejection;

  constructor(reason: PermissionSetRejection) {
    // The reason names the failed check; nothing from the token itself goes into the message.
    super(`Permission set rejected: ${reason}`, { status: 0, code: 'permission-set-rejected' });
    this.reason = reason;
  }
}
