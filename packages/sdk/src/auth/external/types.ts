/**
 * The shapes the external sign-in flow needs from the server's discovery document and the client core.
 * Structural on purpose: the client core's own `DiscoveryDocument` (packages/sdk/src/types.ts) fits them.
 */

/** A provider as `GET /.well-known/portalkit` lists it (public facts only). */
export interface ExternalProviderDescriptor {
  readonly id: string;
  readonly type: string;
  readonly displayName: string;
  /** The public client id registered at the provider (the ID token's `aud`). */
  readonly clientId: string;
  /** For `oidc`: the issuer (its discovery document lives under it). */
  readonly issuer?: string;
  /** For `entra`: the authority, e.g. `https://login.microsoftonline.com/TENANT/v2.0`. */
  readonly authority?: string;
  readonly scopes?: readonly string[];
}

/** The part of the discovery document the flow reads. */
export interface ExternalDiscovery {
  readonly authentication: { readonly providers: readonly ExternalProviderDescriptor[] };
}

/** `POST /auth/external/exchange`'s answer, plus where to send the visitor next. */
export interface ExternalSignInResult {
  readonly contact: { readonly id: string; readonly email: string | null; readonly username: string | null };
  /** A new contact was registered from this identity. */
  readonly created: boolean;
  /** The identity was linked to the contact who was already signed in (no new session). */
  readonly linked: boolean;
  /** The provider's id. */
  readonly provider: string;
  /** The validated same-site path to return to (redirect mode; popup mode: the page's own path). */
  readonly returnUrl: string;
}

/** What the flow needs from the client core. */
export interface ExternalFlowHost {
  /** The server's base URL, without a trailing slash. */
  readonly server: string;
  /** A state-changing JSON request to the server (credentials included, CSRF header set); throws typed errors. */
  post<T>(path: string, body: unknown): Promise<T>;
  discovery(): Promise<ExternalDiscovery>;
  /** Called once the server started the session (or linked the identity). */
  signedIn(result: ExternalSignInResult): Promise<void>;
}

/** Options of {@link signInWithProvider}. */
export interface SignInWithProviderOptions {
  /** `redirect`: leave the page and come back to `redirectUri`; `popup`: sign in in a popup window. */
  readonly mode: 'redirect' | 'popup';
  /** A path on this site to return to after a redirect sign-in. Default: the current page. Checked by `safeReturnPath`. */
  readonly returnUrl?: string;
  /** An invitation code, redeemed when this identity registers a new contact. */
  readonly invitationCode?: string;
  /**
   * The URI the provider sends the browser back to; it must be registered at the provider exactly.
   * Default: this page's origin and path. For `entra` popups, a page that calls the redirect bridge
   * (see `adapters/entra-redirect-bridge.ts`); for `oidc` popups, a page calling `notifyPopupOpener()`
   * or this page itself (the flow notifies the opener when it finds itself in the popup).
   */
  readonly redirectUri?: string;
}
