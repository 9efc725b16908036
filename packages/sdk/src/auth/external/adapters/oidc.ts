/**
 * The `oidc` adapter: any OpenID Connect provider through oidc-client-ts' `UserManager`, authorization
 * code + PKCE (`response_type: 'code'`), by redirect or popup. Its own chunk: a page that never signs in
 * with an OIDC provider never downloads oidc-client-ts.
 *
 * Nothing is kept after the sign-in: the user store is in memory (the server's session is what counts),
 * and the per-sign-in state (PKCE verifier, nonce) lives in this tab's sessionStorage until the callback
 * takes it, once.
 */
import { ErrorResponse, InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { AdapterCallback, AdapterSignInRequest, ExternalProviderAdapter } from '../adapter.js';
import { NonceMismatchError, ProviderSignInError, SignInCancelledError, StateMismatchError } from '../errors.js';
import type { ExternalProviderDescriptor } from '../types.js';

/** The `url_state` a popup sign-in carries, so its callback page knows to hand the response to its opener. */
export const POPUP_URL_STATE = 'portalkit-popup';

const DEFAULT_SCOPES = ['openid', 'profile', 'email'];

function userManager(provider: ExternalProviderDescriptor, redirectUri: string): UserManager {
  if (provider.issuer === undefined) throw new ProviderSignInError(`Provider "${provider.id}" has no issuer.`);
  return new UserManager({
    authority: provider.issuer,
    client_id: provider.clientId,
    redirect_uri: redirectUri,
    popup_redirect_uri: redirectUri,
    response_type: 'code',
    scope: (provider.scopes ?? DEFAULT_SCOPES).join(' '),
    // The server reads the ID token only; no userinfo call, no renewals, no session polling iframe.
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: 'portalkit.oidc.' }),
  });
}

/** Maps oidc-client-ts' plain `Error`s (it has few typed ones) to ours. */
function translate(error: unknown): Error {
  if (error instanceof ErrorResponse) return new ProviderSignInError(error.error_description ?? `The provider refused the sign-in (${error.error ?? 'error'}).`, error.error ?? undefined, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  if (/no matching state/i.test(message)) return new StateMismatchError({ cause: error });
  if (/nonce/i.test(message)) return new NonceMismatchError({ cause: error });
  if (/popup (closed|blocked)|disposed window|navigation aborted/i.test(message)) return new SignInCancelledError({ cause: error });
  return new ProviderSignInError(`The sign-in with the provider failed: ${message}`, undefined, { cause: error });
}

function idTokenOf(user: { id_token?: string | undefined }): string {
  if (typeof user.id_token !== 'string' || user.id_token === '') throw new ProviderSignInError('The provider returned no ID token.');
  return user.id_token;
}

/** The `oidc` adapter (see the module comment). */
export const oidcAdapter: ExternalProviderAdapter = {
  async signInRedirect({ provider, nonce, redirectUri, flowId }: AdapterSignInRequest): Promise<void> {
    try {
      await userManager(provider, redirectUri).signinRedirect({ nonce, url_state: flowId });
    } catch (error) {
      throw translate(error);
    }
  },

  async signInPopup({ provider, nonce, redirectUri }: AdapterSignInRequest): Promise<string> {
    try {
      // popupAbortOnClose: a closed popup rejects (SignInCancelledError) instead of waiting forever. A
      // provider sending Cross-Origin-Opener-Policy would look "closed" too; such providers need redirect mode.
      return idTokenOf(await userManager(provider, redirectUri).signinPopup({ nonce, url_state: POPUP_URL_STATE, popupAbortOnClose: true }));
    } catch (error) {
      throw translate(error);
    }
  },

  async completeRedirect({ provider, redirectUri, url }: AdapterCallback): Promise<string> {
    const manager = userManager(provider, redirectUri);
    try {
      return idTokenOf(await manager.signinRedirectCallback(url));
    } catch (error) {
      throw translate(error);
    } finally {
      await manager.removeUser().catch(() => undefined);
    }
  },
};
