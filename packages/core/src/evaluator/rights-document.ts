import type { ColumnOperation, PageRight, Privilege, WebsiteRight } from '../model/vocabulary.js';

/**
 * What one grant reaches, in the terms of the table's columns. This is the unit both sides evaluate:
 * the server turns it into SQL, the browser into a row test. It names columns, never permissions, so a
 * permission set does not reveal how the configuration is organised.
 */
export type ScopeGrant =
  | { readonly scope: 'global' }
  /** Rows whose `column` names the visitor's contact. */
  | { readonly scope: 'contact'; readonly column: string }
  /** Rows whose `column` names the visitor's account (`id` on the account table: the account itself). */
  | { readonly scope: 'account'; readonly column: string }
  /** The visitor's own contact row. */
  | { readonly scope: 'self' }
  /** Rows whose lookup `relationship` names a row of `table` reached by `parent`. */
  | {
      readonly scope: 'parent';
      readonly relationship: string;
      readonly table: string;
      readonly parent: ScopeGrant;
    };

/** Per privilege, the scopes granted on one table. Privileges with no grant are absent. */
export type TableGrants = Readonly<Partial<Record<Privilege, readonly ScopeGrant[]>>>;

/**
 * For a table the visitor has a grant on: every declared column they may read, update and create
 * (subject to the table privilege; columns without a column permission follow it). Only allowed
 * columns are listed, so hidden column names never reach the browser.
 */
export type ColumnGrants = Readonly<Record<ColumnOperation, readonly string[]>>;

/** A page rule as it applies to this visitor: `granted` when the visitor holds one of its roles. */
export interface PageRuleGrant {
  readonly path: string;
  readonly right: PageRight;
  readonly granted: boolean;
}

/** Front-side editing rights. */
export type WebsiteRights = Readonly<Record<WebsiteRight, boolean>>;

/**
 * A visitor's rights: the rights-bearing part of a permission set. Computed by the server from the
 * configuration and the visitor's roles; carried, signed, to the browser; evaluated by {@link Rights} on
 * both sides.
 */
export interface RightsDocument {
  /** Effective role names, sorted. */
  readonly roles: readonly string[];
  readonly tables: Readonly<Record<string, TableGrants>>;
  readonly columns: Readonly<Record<string, ColumnGrants>>;
  /** Every page rule of the site, sorted by path then right. */
  readonly pages: readonly PageRuleGrant[];
  readonly website: WebsiteRights;
}
