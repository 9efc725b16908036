/** Types of oidc-provider-plugin.mjs (see its header). */
export interface OidcTestAccount {
  readonly id: string;
  readonly password?: string;
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface OidcTestProvider {
  readonly issuer: string;
  readonly clientId: string;
  addAccount(account: OidcTestAccount): void;
  forgeIdToken(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export function startOidcTestProvider(options: {
  clientId?: string;
  redirectUris: string[];
  accounts?: OidcTestAccount[];
  tls?: { key: string; cert: string };
}): Promise<OidcTestProvider>;

export function oidcProviderPlugin(options?: { accounts?: OidcTestAccount[]; redirectPaths?: string[]; clientId?: string }): unknown;
