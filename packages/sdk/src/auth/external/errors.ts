/**
 * Typed failures of an external (OpenID Connect / Entra) sign-in that happen in the browser, before or
 * instead of the server's answer. Errors from the server itself (`/auth/external/begin`, `/exchange`)
 * reach the caller as the transport's typed `PortalError`s, unchanged.
 */

/** Stable codes, one per reason, for callers that branch on `error.code`. */
export type ExternalSignInErrorCode =
  | 'unknown-provider'
  | 'unsupported-provider-type'
  | 'unsafe-return-url'
  | 'state-mismatch'
  | 'callback-replayed'
  | 'nonce-mismatch'
  | 'provider-error'
  | 'sign-in-cancelled';

/** Base class: every external sign-in refusal made in the browser. No session was started. */
export class ExternalSignInError extends Error {
  override name = 'ExternalSignInError';
  constructor(
    /** Why, as a stable code. */
    readonly code: ExternalSignInErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The site's discovery document lists no provider with this id. */
export class UnknownProviderError extends ExternalSignInError {
  override name = 'UnknownProviderError';
  constructor(readonly providerId: string) {
    super('unknown-provider', `This site has no identity provider "${providerId}".`);
  }
}

/** The provider's `type` is one this SDK has no adapter for. */
export class UnsupportedProviderTypeError extends ExternalSignInError {
  override name = 'UnsupportedProviderTypeError';
  constructor(readonly providerType: string) {
    super('unsupported-provider-type', `No sign-in adapter for providers of type "${providerType}".`);
  }
}

/** A return URL that could leave the site (another origin, a scheme, a protocol-relative or encoded trick). */
export class UnsafeReturnUrlError extends ExternalSignInError {
  override name = 'UnsafeReturnUrlError';
  constructor(readonly returnUrl: string) {
    super('unsafe-return-url', 'The return URL must be a path on this site.');
  }
}

/** A callback whose `state` this tab never issued (forged, from another tab, or altered). */
export class StateMismatchError extends ExternalSignInError {
  override name = 'StateMismatchError';
  constructor(options?: { cause?: unknown }) {
    super('state-mismatch', 'The sign-in response does not belong to a sign-in started here. Start it again.', options);
  }
}

/** A callback URL that was already used once (a reload, the back button, or a replay). */
export class CallbackReplayedError extends ExternalSignInError {
  override name = 'CallbackReplayedError';
  constructor() {
    super('callback-replayed', 'This sign-in response was already used. Start the sign-in again.');
  }
}

/** The provider's ID token was not issued for the nonce of this sign-in. */
export class NonceMismatchError extends ExternalSignInError {
  override name = 'NonceMismatchError';
  constructor(options?: { cause?: unknown }) {
    super('nonce-mismatch', 'The sign-in response was issued for another sign-in. Start it again.', options);
  }
}

/** The provider answered with an error (`error=access_denied`, …) or its library failed. */
export class ProviderSignInError extends ExternalSignInError {
  override name = 'ProviderSignInError';
  constructor(
    message: string,
    /** The provider's or library's own error code, when it gave one. */
    readonly providerCode?: string,
    options?: { cause?: unknown },
  ) {
    super('provider-error', message, options);
  }
}

/** The visitor closed the popup (or it was blocked) before finishing. */
export class SignInCancelledError extends ExternalSignInError {
  override name = 'SignInCancelledError';
  constructor(options?: { cause?: unknown }) {
    super('sign-in-cancelled', 'The sign-in window was closed before the sign-in finished.', options);
  }
}
