import type { DiscoveryDocument, ProviderDescriptor } from '../../../../packages/sdk/src/index.js';

type LocalEnabled = Extract<DiscoveryDocument['authentication']['local'], { enabled: true }>;

/** The discovery options of {@link signInDiscovery}: local settings and providers to change. */
export interface SignInDiscoveryOptions {
  readonly local?: Partial<LocalEnabled> | { readonly enabled: false };
  readonly providers?: readonly ProviderDescriptor[];
}

/** The Contoso demo's providers as the server publishes them. */
export const DEMO_PROVIDERS: readonly ProviderDescriptor[] = [
  { id: 'partners', type: 'oidc', displayName: 'Partner sign-in', clientId: 'portal', issuer: 'https://idp.example.com', scopes: ['openid', 'profile', 'email'] },
  { id: 'staff', type: 'entra', displayName: 'Contoso staff', clientId: 'CLIENT-ID', authority: 'https://login.microsoftonline.com/TENANT/v2.0', scopes: ['openid', 'profile', 'email'] },
];

/**
 * A discovery document like the one `portalkit serve` publishes for examples/contoso (invitation-only
 * registration, sign-in by email or username, password reset on, 12 characters from 3 classes).
 */
export function signInDiscovery(options: SignInDiscoveryOptions = {}): DiscoveryDocument {
  const local: DiscoveryDocument['authentication']['local'] =
    options.local && 'enabled' in options.local && options.local.enabled === false
      ? { enabled: false }
      : {
          enabled: true,
          signInWith: 'emailOrUsername',
          registration: 'invitation',
          passwordReset: true,
          passwordPolicy: { minLength: 12, requiredCharacterClasses: 3 },
          ...(options.local as Partial<LocalEnabled> | undefined),
        };
  return {
    issuer: 'https://portal.test',
    site: { name: 'Contoso Partner Portal', audience: 'https://portal.test' },
    jwks_uri: 'https://portal.test/.well-known/jwks.json',
    permissions_endpoint: 'https://portal.test/permissions',
    events_endpoint: 'https://portal.test/events',
    authentication: { local, providers: options.providers ?? DEMO_PROVIDERS },
    profile: { columns: [] },
  };
}
