import type { ColumnConfig, ProviderConfig, WebsitePermissionConfig } from './config.js';
import type { ScopeGrant } from '../evaluator/rights-document.js';
import type { PageRight, Privilege, RegistrationMode, Scope } from './vocabulary.js';

/**
 * A validated configuration, compiled for evaluation: defaults applied, built-in tables merged in,
 * parent chains resolved into {@link ScopeGrant}s, child permissions carrying their effective roles.
 */
export interface PortalModel {
  readonly site: { readonly name: string; readonly origins: readonly string[]; readonly audience: string };
  readonly authentication: AuthenticationSettings;
  readonly tables: Readonly<Record<string, TableModel>>;
  readonly roles: RoleModel;
  readonly tablePermissions: readonly TablePermissionModel[];
  readonly columnPermissions: readonly ColumnPermissionModel[];
  readonly pageRules: readonly PageRuleModel[];
  readonly websitePermissions: readonly WebsitePermissionConfig[];
}

/** Authentication settings with every default filled in. */
export interface AuthenticationSettings {
  readonly local: {
    readonly enabled: boolean;
    readonly registration: RegistrationMode;
    readonly signInWith: 'email' | 'username' | 'emailOrUsername';
  };
  readonly lockout: { readonly maxFailedAttempts: number; readonly durationMinutes: number };
  readonly password: {
    readonly minLength: number;
    readonly maxLength: number;
    readonly requiredCharacterClasses: number;
  };
  readonly session: { readonly idleMinutes: number; readonly absoluteHours: number };
  readonly permissionSetMinutes: number;
  readonly passwordReset: { readonly enabled: boolean; readonly tokenMinutes: number };
  readonly invitations: { readonly expiryDays: number };
  readonly providers: readonly ProviderConfig[];
}

export interface TableModel {
  readonly name: string;
  readonly displayName: string;
  readonly builtIn: boolean;
  readonly columns: Readonly<Record<string, ColumnModel>>;
}

export interface ColumnModel extends ColumnConfig {
  readonly name: string;
  readonly required: boolean;
  readonly searchable: boolean;
  readonly sortable: boolean;
}

export interface RoleModel {
  /** Every declared role name, in declaration order. */
  readonly names: readonly string[];
  readonly anonymous: string;
  readonly authenticated: string;
}

export interface TablePermissionModel {
  readonly name: string;
  readonly table: string;
  readonly scope: Scope;
  readonly privileges: readonly Privilege[];
  /** Roles it applies to; for a child permission, its own roles or else its parent's. */
  readonly roles: readonly string[];
  /** What it reaches, parent chain resolved. */
  readonly grant: ScopeGrant;
}

/** A column permission; an operation's roles are empty when the config omitted it (nobody). */
export interface ColumnPermissionModel {
  readonly table: string;
  readonly column: string;
  readonly read: readonly string[];
  readonly update: readonly string[];
  readonly create: readonly string[];
}

export interface PageRuleModel {
  /** Normalised (see `normalizePagePath`). */
  readonly path: string;
  readonly right: PageRight;
  readonly roles: readonly string[];
}
