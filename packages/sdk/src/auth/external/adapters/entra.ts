/**
 * The `entra` adapter: Microsoft Entra ID (and any OpenID Connect authority MSAL accepts) through
 * @azure/msal-browser's `PublicClientApplication`, authorization code + PKCE, by redirect or popup. Its
 * own chunk: a page that never signs in with Entra never downloads MSAL.
 *
 * - Authorities other than Microsoft's run in MSAL's `OIDC` protocol mode, with the authority's host as
 *   a known authority (MSAL skips Microsoft's instance discovery for it). MSAL requires https.
 * - POPUP sign-ins need a redirect URI page that calls MSAL's redirect bridge; see
 *   `entra-redirect-bridge.ts`. Redirect sign-ins return to the page that calls `completeRedirectSignIn`.
 * - MSAL's cache is cleared after each sign-in: the server's session is what counts.
 */
import { AuthError, PublicClientApplication } from '@azure/msal-browser';
import type { AuthenticationResult } from '@azure/msal-browser';
import type { AdapterCallback, AdapterSignInRequest, ExternalProviderAdapter } from '../adapter.js';
import { NonceMismatchError, ProviderSignInError, SignInCancelledError, StateMismatchError } from '../errors.js';
import type { ExternalProviderDescriptor } from '../types.js';

const DEFAULT_SCOPES = ['openid', 'profile', 'email'];
/** Hosts where MSAL's own (AAD) protocol mode applies. */
const MICROSOFT_HOSTS = /(^|\.)(login\.microsoftonline\.(com|us)|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn|ciamlogin\.com|b2clogin\.com)$/i;

async function application(provider: ExternalProviderDescriptor, redirectUri: string): Promise<PublicClientApplication> {
  if (provider.authority === undefined) throw new ProviderSignInError(`Provider "${provider.id}" has no authority.`);
  const authority = new URL(provider.authority);
  const scopes = [...(provider.scopes ?? DEFAULT_SCOPES)];
  const app = new PublicClientApplication({
    auth: {
      clientId: provider.clientId,
      authority: provider.authority,
      knownAuthorities: [authority.host],
      redirectUri,
      OIDCOptions: { defaultScopes: scopes },
    },
    cache: { cacheLocation: 'sessionStorage' },
    system: { protocolMode: MICROSOFT_HOSTS.test(authority.hostname) ? 'AAD' : 'OIDC' },
  });
  await app.initialize();
  return app;
}

function scopesOf(provider: ExternalProviderDescriptor): string[] {
  return [...(provider.scopes ?? DEFAULT_SCOPES)];
}

/** Maps MSAL's `AuthError` codes to ours. */
function translate(error: unknown): Error {
  if (error instanceof AuthError) {
    const code = error.errorCode;
    if (code === 'state_mismatch' || code === 'state_not_found' || code === 'no_state_in_hash' || code === 'invalid_state') return new StateMismatchError({ cause: error });
    if (code === 'nonce_mismatch') return new NonceMismatchError({ cause: error });
    if (code === 'user_cancelled' || code === 'popup_window_error' || code === 'empty_window_error' || code === 'timed_out') return new SignInCancelledError({ cause: error });
    return new ProviderSignInError(error.errorMessage || `The sign-in with the provider failed (${code}).`, code, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderSignInError(`The sign-in with the provider failed: ${message}`, undefined, { cause: error });
}

function idTokenOf(result: AuthenticationResult | null): string {
  if (!result) throw new StateMismatchError();
  if (typeof result.idToken !== 'string' || result.idToken === '') throw new ProviderSignInError('The provider returned no ID token.');
  return result.idToken;
}

/** The `entra` adapter (see the module comment). */
export const entraAdapter: ExternalProviderAdapter = {
  async signInRedirect({ provider, nonce, redirectUri, flowId }: AdapterSignInRequest): Promise<void> {
    try {
      const app = await application(provider, redirectUri);
      await app.loginRedirect({ scopes: scopesOf(provider), nonce, state: flowId, redirectUri });
    } catch (error) {
      throw translate(error);
    }
  },

  async signInPopup({ provider, nonce, redirectUri }: AdapterSignInRequest): Promise<string> {
    let app: PublicClientApplication | undefined;
    try {
      app = await application(provider, redirectUri);
      return idTokenOf(await app.loginPopup({ scopes: scopesOf(provider), nonce, redirectUri }));
    } catch (error) {
      throw translate(error);
    } finally {
      await app?.clearCache().catch(() => undefined);
    }
  },

  async completeRedirect({ provider, redirectUri, url }: AdapterCallback): Promise<string> {
    let app: PublicClientApplication | undefined;
    try {
      app = await application(provider, redirectUri);
      const parsed = new URL(url);
      // MSAL reads the response from the string given (the flow has already cleaned the address bar).
      const response = parsed.hash.length > 1 ? parsed.hash : parsed.search;
      return idTokenOf(await app.handleRedirectPromise({ hash: response, navigateToLoginRequestUrl: false }));
    } catch (error) {
      throw translate(error);
    } finally {
      await app?.clearCache().catch(() => undefined);
    }
  },
};
