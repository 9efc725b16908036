/**
 * Shapes the companion server sends that several SDK modules share. They mirror
 * `packages/server/src/discovery/routes.ts` and the local/external sign-in responses.
 */

/** A sign-in provider as discovery publishes it: public facts only, never secrets. */
export interface ProviderDescriptor {
  readonly id: string;
  readonly type: 'oidc' | 'entra';
  readonly displayName: string;
  readonly clientId: string;
  /** OIDC providers: the issuer whose discovery document the adapter reads. */
  readonly issuer?: string;
  /** Entra providers: the authority URL. */
  readonly authority?: string;
  readonly scopes: readonly string[];
}

/** The site's password rules, as discovery publishes them. */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly requiredCharacterClasses: number;
  readonly [key: string]: unknown;
}

/** Local sign-in settings: `{ enabled: false }` when the site takes no passwords. */
export type LocalSignInSettings =
  | {
      readonly enabled: true;
      readonly signInWith: 'email' | 'username' | 'emailOrUsername';
      readonly registration: 'open' | 'invitation' | 'closed';
      readonly passwordReset: boolean;
      readonly passwordPolicy: PasswordPolicy;
    }
  | { readonly enabled: false };

/** A column of the contact row a profile form may show. */
export interface ProfileColumn {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly maxLength?: number;
  readonly options?: readonly string[];
  readonly displayName?: string;
}

/** `GET /.well-known/portalkit`: everything a client needs to talk to the server. */
export interface DiscoveryDocument {
  readonly issuer: string;
  readonly site: { readonly name: string; readonly audience: string };
  readonly jwks_uri: string;
  readonly permissions_endpoint: string;
  readonly events_endpoint: string;
  readonly authentication: {
    readonly local: LocalSignInSettings;
    readonly providers: readonly ProviderDescriptor[];
  };
  readonly profile: { readonly columns: readonly ProfileColumn[] };
}

/** The contact as sign-in, registration and `POST /auth/external/exchange` return it. */
export interface ContactSummary {
  readonly id: string;
  readonly email: string | null;
  readonly username: string | null;
}

/** `GET /me`: the signed-in contact with effective roles, linked identities and the profile row. */
export interface MeDocument {
  readonly id: string;
  readonly email: string | null;
  readonly username: string | null;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly accountId: string | null;
  readonly roles: readonly string[];
  readonly identities: readonly { readonly provider: string; readonly linkedAt: string }[];
  /** The contact row as the data API shows it (readable columns, `_etag`, `_actions`). */
  readonly profile: ApiRow | null;
}

/** A row as the data API returns it. */
export interface ApiRow {
  readonly id: string;
  readonly createdon?: string | number;
  readonly modifiedon?: string | number;
  /** The row version for `If-Match`, quoted (`"3"`). */
  readonly _etag: string;
  /** What the visitor may do to this row. */
  readonly _actions: readonly ('read' | 'write' | 'delete' | 'append' | 'appendTo')[];
  readonly [column: string]: unknown;
}
