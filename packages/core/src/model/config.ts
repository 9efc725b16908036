import type {
  ColumnType,
  PageRight,
  Privilege,
  RegistrationMode,
  Scope,
  WebsiteRight,
} from './vocabulary.js';

/**
 * The shape of `portal.config.json`, as an administrator writes it. Everything that decides who may do
 * what is declared here, as code; contacts, role assignments and data live in the database.
 *
 * The JSON Schema at `@portalkit/core/schema.json` describes the same shape for editors; the validator
 * (`@portalkit/core/config`) checks it and every cross-reference.
 */
export interface PortalConfig {
  /** Editors use this to find the schema; ignored otherwise. */
  $schema?: string;
  site: SiteConfig;
  authentication?: AuthenticationConfig;
  /** Tables besides the built-in `contact` and `account`; `contact` may be listed to add profile columns. */
  tables?: Record<string, TableConfig>;
  webRoles: WebRoleConfig[];
  tablePermissions?: TablePermissionConfig[];
  columnPermissions?: ColumnPermissionConfig[];
  pageRules?: PageRuleConfig[];
  websitePermissions?: WebsitePermissionConfig[];
}

/** The site the server serves. */
export interface SiteConfig {
  name: string;
  /** Origins (`scheme://host[:port]`) allowed to call the server with credentials. */
  origins: string[];
  /** The `aud` of permission sets; defaults to the first origin. */
  audience?: string;
}

/** Authentication switches and limits ("site settings"). */
export interface AuthenticationConfig {
  local?: LocalAuthenticationConfig;
  lockout?: { maxFailedAttempts?: number; durationMinutes?: number };
  password?: PasswordPolicyConfig;
  session?: { idleMinutes?: number; absoluteHours?: number };
  /** Lifetime of a signed permission set. */
  permissionSetMinutes?: number;
  passwordReset?: { enabled?: boolean; tokenMinutes?: number };
  invitations?: { expiryDays?: number };
  providers?: ProviderConfig[];
}

export interface LocalAuthenticationConfig {
  enabled?: boolean;
  registration?: RegistrationMode;
  /** What the `login` field of a sign-in may be. */
  signInWith?: 'email' | 'username' | 'emailOrUsername';
}

export interface PasswordPolicyConfig {
  minLength?: number;
  maxLength?: number;
  /** How many of the four classes (lower, upper, digit, other) a password needs. */
  requiredCharacterClasses?: number;
}

/** An external identity provider; the browser signs in with it and the server verifies the ID token. */
export type ProviderConfig = OidcProviderConfig | EntraProviderConfig;

interface ProviderConfigBase {
  /** Stable id used in URLs and in linked identities. */
  id: string;
  displayName: string;
  /** The public client id registered with the provider (the ID token's `aud`). */
  clientId: string;
  scopes?: string[];
  /** Accepted ID-token signature algorithms; asymmetric only. */
  algorithms?: string[];
  /** Whether an unknown identity may create a contact; defaults to the local registration mode. */
  registration?: RegistrationMode;
  /** Contact column ← ID-token claim, applied when a contact registers through this provider. */
  claimMapping?: Record<string, string>;
}

export interface OidcProviderConfig extends ProviderConfigBase {
  type: 'oidc';
  /** Must equal the `issuer` of the provider's discovery document. */
  issuer: string;
}

export interface EntraProviderConfig extends ProviderConfigBase {
  type: 'entra';
  /** e.g. `https://login.microsoftonline.com/TENANT/v2.0` or a B2C policy authority. */
  authority: string;
  /** The expected `iss`, when it differs from what the authority's discovery document says. */
  issuer?: string;
}

/** A table and its columns. `id`, `createdon` and `modifiedon` are implicit. */
export interface TableConfig {
  displayName?: string;
  columns: Record<string, ColumnConfig>;
}

export interface ColumnConfig {
  type: ColumnType;
  displayName?: string;
  required?: boolean;
  /** For `string` and `text`. */
  maxLength?: number;
  /** Included in the data API's `search`. For `string`, `text` and `choice`. */
  searchable?: boolean;
  /**
   * Lists are often sorted by this column: the server keeps an index on (column, id) so a sorted page
   * of a large table is read in order instead of sorting every row the visitor may see. Not for `text`.
   */
  sortable?: boolean;
  /** For `choice`: the allowed values. */
  options?: string[];
  /** For `lookup`: the table whose `id` this column holds. */
  table?: string;
}

export interface WebRoleConfig {
  name: string;
  description?: string;
  /** The one role for visitors who are not signed in. */
  anonymous?: boolean;
  /** The one role every signed-in contact has. */
  authenticated?: boolean;
}

export interface TablePermissionConfig {
  /** Unique; child permissions name their parent by it. */
  name: string;
  table: string;
  scope: Scope;
  privileges: Privilege[];
  /** Roles this permission applies to; a permission with no role grants nothing. Optional on `parent` scope (inherited). */
  roles?: string[];
  /** `contact` scope: the lookup column (to `contact`) naming the owner. */
  contactColumn?: string;
  /** `account` scope: the lookup column (to `account`) naming the owning account; on `account` itself, omit it to mean the row's own id. */
  accountColumn?: string;
  /** `parent` scope: the name of the parent permission. */
  parent?: string;
  /** `parent` scope: the lookup column on this table pointing at the parent permission's table. */
  relationship?: string;
  /** Acknowledges that anonymous visitors may read every row (refused otherwise). */
  allowAnonymousGlobalRead?: boolean;
  /** Acknowledges that anonymous visitors may change every row (refused otherwise). */
  allowAnonymousGlobalWrite?: boolean;
}

/**
 * Restricts one column. Once a column has a column permission, each operation is allowed only to the
 * roles listed for it; an omitted list means nobody (deny by default, as a Power Pages column
 * permission profile with the box unchecked).
 */
export interface ColumnPermissionConfig {
  table: string;
  column: string;
  read?: string[];
  update?: string[];
  create?: string[];
}

export interface PageRuleConfig {
  /** A site path; the rule covers it and every path below it. */
  path: string;
  right: PageRight;
  roles: string[];
}

export type WebsitePermissionConfig = { roles: string[] } & Partial<Record<WebsiteRight, boolean>>;
