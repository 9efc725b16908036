import type { ExternalProviderDescriptor } from './types.js';

/** What an adapter needs to start a sign-in. */
export interface AdapterSignInRequest {
  readonly provider: ExternalProviderDescriptor;
  /** The server's nonce from `POST /auth/external/begin`: the provider must echo it in the ID token. */
  readonly nonce: string;
  readonly redirectUri: string;
  /** Our own per-sign-in id, carried through the provider in its `state` so the callback finds its record. */
  readonly flowId: string;
}

/** What an adapter needs to finish a redirect sign-in. */
export interface AdapterCallback {
  readonly provider: ExternalProviderDescriptor;
  readonly nonce: string;
  readonly redirectUri: string;
  /** The full callback URL (query or fragment carries `code` and `state`). */
  readonly url: string;
}

/**
 * One identity library behind one interface. Adapters only obtain the provider's ID token; the flow
 * does everything PortalKit-specific (nonce, state records, return URL, the exchange).
 */
export interface ExternalProviderAdapter {
  /** Navigates the page to the provider; never resolves in practice (the page unloads). */
  signInRedirect(request: AdapterSignInRequest): Promise<void>;
  /** Signs in in a popup window and resolves with the ID token. */
  signInPopup(request: AdapterSignInRequest): Promise<string>;
  /** Validates the callback with the library (state, PKCE, nonce) and resolves with the ID token. */
  completeRedirect(callback: AdapterCallback): Promise<string>;
}

/** Reads the callback parameters from the query or, when it has none, the fragment. */
export function callbackParams(url: string): URLSearchParams {
  const parsed = new URL(url);
  if (parsed.searchParams.has('state') || parsed.searchParams.has('code') || parsed.searchParams.has('error')) return parsed.searchParams;
  return new URLSearchParams(parsed.hash.replace(/^#/, ''));
}
