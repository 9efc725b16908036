/**
 * External sign-in (DESIGN.md §3): a visitor signs in at an OpenID Connect or Entra provider in the
 * browser, and the server turns the provider's ID token into a session.
 *
 * 1. `POST /auth/external/begin { provider }` → `{ nonce }` (and an HttpOnly pre-session cookie).
 * 2. The provider adapter (loaded with `import()` only now) signs in with authorization code + PKCE,
 *    sending the server's nonce, by redirect or in a popup.
 * 3. `POST /auth/external/exchange { provider, idToken, invitationCode? }` → the session.
 *
 * Redirect sign-ins are finished by {@link completeRedirectSignIn} on the page the provider returns to.
 * Every callback is processed at most once, only in the tab that started it, and only with the nonce it
 * began with; the return URL is always a path on this site.
 */
import type { AdapterSignInRequest, ExternalProviderAdapter } from './adapter.js';
import { callbackParams } from './adapter.js';
import { CallbackReplayedError, NonceMismatchError, ProviderSignInError, StateMismatchError, UnknownProviderError, UnsupportedProviderTypeError } from './errors.js';
import { unverifiedClaims } from './id-token-claims.js';
import { PendingSignIns, newFlowId } from './pending-sign-ins.js';
import { safeReturnPath } from './return-url.js';
import type { ExternalFlowHost, ExternalProviderDescriptor, ExternalSignInResult, SignInWithProviderOptions } from './types.js';

export * from './errors.js';
export { isSafeReturnPath, safeReturnPath } from './return-url.js';
export type { ExternalDiscovery, ExternalFlowHost, ExternalProviderDescriptor, ExternalSignInResult, SignInWithProviderOptions } from './types.js';

/** `POST /auth/external/begin`'s answer. */
interface BeginResponse {
  readonly nonce: string;
  readonly expiresAt: string;
}

/** `POST /auth/external/exchange`'s answer. */
interface ExchangeResponse {
  readonly contact: ExternalSignInResult['contact'];
  readonly created: boolean;
  readonly linked: boolean;
}

/**
 * Signs in with the provider `providerId` from the server's discovery document.
 *
 * Popup mode resolves once the server started the session (after `host.signedIn`). Redirect mode
 * resolves with `{ redirecting: true }` while the page leaves for the provider; the sign-in finishes
 * with {@link completeRedirectSignIn} on the redirect URI's page.
 *
 * Throws {@link UnsafeReturnUrlError} (before any request) for a return URL that could leave the site,
 * {@link UnknownProviderError}, {@link NonceMismatchError}, {@link SignInCancelledError},
 * {@link ProviderSignInError}, and the server's typed errors from `begin` / `exchange`.
 */
export async function signInWithProvider(
  host: ExternalFlowHost,
  providerId: string,
  options: SignInWithProviderOptions,
): Promise<ExternalSignInResult | { redirecting: true }> {
  const origin = window.location.origin;
  const returnUrl = safeReturnPath(options.returnUrl ?? currentPath(), origin);
  const redirectUri = sameOriginUri(options.redirectUri ?? `${origin}${window.location.pathname}`, origin);
  const provider = await findProvider(host, providerId);
  const adapter = await loadAdapter(provider.type);
  const { nonce } = await host.post<BeginResponse>('/auth/external/begin', { provider: provider.id });
  const flowId = newFlowId();
  const request: AdapterSignInRequest = { provider, nonce, redirectUri, flowId };

  if (options.mode === 'redirect') {
    new PendingSignIns(host.server).save(flowId, {
      provider: provider.id,
      nonce,
      returnUrl,
      redirectUri,
      createdAt: Date.now(),
      ...(options.invitationCode !== undefined ? { invitationCode: options.invitationCode } : {}),
    });
    await adapter.signInRedirect(request);
    return { redirecting: true };
  }
  const idToken = await adapter.signInPopup(request);
  return exchange(host, provider.id, idToken, nonce, returnUrl, options.invitationCode);
}

/**
 * Finishes a redirect sign-in on the page the provider sent the browser back to (default: this page's
 * URL). Resolves `null` when `url` is no sign-in callback at all, so a page can call it on every load.
 *
 * Refuses, with no session and no request to the server: a callback this tab never started
 * ({@link StateMismatchError}), one already processed ({@link CallbackReplayedError}: reload, back
 * button, replay), and an ID token issued for another nonce ({@link NonceMismatchError}). The callback
 * parameters are removed from the address bar as soon as the callback is taken.
 */
export async function completeRedirectSignIn(host: ExternalFlowHost, url: string = window.location.href): Promise<ExternalSignInResult | null> {
  const params = callbackParams(url);
  const state = params.get('state');
  if (state === null && !params.has('code') && !params.has('error')) return null;
  if (state !== null && state.endsWith(`;${OIDC_POPUP_URL_STATE}`) && isPopupWindow()) {
    // This page is the callback of an `oidc` popup sign-in: its opener finishes the sign-in.
    await (await import('./adapters/oidc-popup-callback.js')).notifyPopupOpener(url);
    return null;
  }
  const flowId = state === null ? null : flowIdFromState(state);
  if (flowId === null) throw new StateMismatchError();

  const taken = new PendingSignIns(host.server).take(flowId);
  if (url === window.location.href) forgetCallbackInAddressBar();
  if (taken.kind === 'used') throw new CallbackReplayedError();
  if (taken.kind === 'unknown') throw new StateMismatchError();
  const { record } = taken;

  const error = params.get('error');
  if (error !== null) throw new ProviderSignInError(params.get('error_description') ?? `The provider refused the sign-in (${error}).`, error);
  const provider = await findProvider(host, record.provider);
  const adapter = await loadAdapter(provider.type);
  const idToken = await adapter.completeRedirect({ provider, nonce: record.nonce, redirectUri: record.redirectUri, url });
  // Re-checked here: sessionStorage is writable by any script on the page.
  const returnUrl = safeReturnPath(record.returnUrl, window.location.origin);
  return exchange(host, provider.id, idToken, record.nonce, returnUrl, record.invitationCode);
}

async function exchange(
  host: ExternalFlowHost,
  provider: string,
  idToken: string,
  nonce: string,
  returnUrl: string,
  invitationCode: string | undefined,
): Promise<ExternalSignInResult> {
  // The adapters' libraries check the nonce too; this makes it independent of their configuration.
  if (unverifiedClaims(idToken)?.['nonce'] !== nonce) throw new NonceMismatchError();
  const response = await host.post<ExchangeResponse>('/auth/external/exchange', {
    provider,
    idToken,
    ...(invitationCode !== undefined ? { invitationCode } : {}),
  });
  const result: ExternalSignInResult = { contact: response.contact, created: response.created, linked: response.linked, provider, returnUrl };
  await host.signedIn(result);
  return result;
}

async function findProvider(host: ExternalFlowHost, providerId: string): Promise<ExternalProviderDescriptor> {
  const discovery = await host.discovery();
  const provider = discovery.authentication.providers.find((candidate) => candidate.id === providerId);
  if (!provider) throw new UnknownProviderError(providerId);
  return provider;
}

/** Each adapter (and its identity library) is its own chunk, downloaded only when its provider is used. */
async function loadAdapter(type: string): Promise<ExternalProviderAdapter> {
  if (type === 'oidc') return (await import('./adapters/oidc.js')).oidcAdapter;
  if (type === 'entra') return (await import('./adapters/entra.js')).entraAdapter;
  throw new UnsupportedProviderTypeError(type);
}

/**
 * Our flow id rides at the end of the provider's `state`: oidc-client-ts appends it after `;`
 * (`url_state`), MSAL after `|` (its user state). Anything else is not ours.
 */
function flowIdFromState(state: string): string | null {
  const match = /[;|]([A-Za-z0-9_-]{22})$/.exec(state);
  return match?.[1] ?? null;
}

function currentPath(): string {
  const { pathname, search, hash } = window.location;
  return `${pathname}${search}${hash}`;
}

/** Redirect URIs must be on this origin: the callback needs this tab's storage and, for popups, its window. */
function sameOriginUri(uri: string, origin: string): string {
  const parsed = new URL(uri, origin);
  if (parsed.origin !== origin) throw new TypeError(`The redirect URI must be on this site (${origin}), not ${parsed.origin}.`);
  return parsed.href;
}

/** Must equal `POPUP_URL_STATE` in adapters/oidc.ts (not imported: that would pull oidc-client-ts into this chunk). */
const OIDC_POPUP_URL_STATE = 'portalkit-popup';

function isPopupWindow(): boolean {
  try {
    return window.opener !== null && window.opener !== window && (window.opener as Window).location.origin === window.location.origin;
  } catch {
    return false; // a cross-origin opener: not ours
  }
}

const CALLBACK_PARAMS = ['code', 'state', 'session_state', 'iss', 'error', 'error_description', 'error_uri', 'client_info'];

/** Removes the callback's parameters from the address bar, so a reload or bookmark does not carry them. */
function forgetCallbackInAddressBar(): void {
  const current = new URL(window.location.href);
  for (const name of CALLBACK_PARAMS) current.searchParams.delete(name);
  const fragment = new URLSearchParams(current.hash.replace(/^#/, ''));
  if (CALLBACK_PARAMS.some((name) => fragment.has(name))) current.hash = '';
  window.history.replaceState(window.history.state, '', current.href);
}
