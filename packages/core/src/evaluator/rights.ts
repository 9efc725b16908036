import { PRIVILEGES, SYSTEM_COLUMNS } from '../model/vocabulary.js';
import type { ColumnOperation, Privilege, WebsiteRight } from '../model/vocabulary.js';
import { decideNormalizedPage, normalizePagePath } from './pages.js';
import type { PageDecision } from './pages.js';
import type { PageRuleGrant, RightsDocument, ScopeGrant, WebsiteRights } from './rights-document.js';
import { ALL_ROWS, anyOf, matchesRow, NO_ROWS } from './row-predicate.js';
import type { Row, RowPredicate, RowResolver } from './row-predicate.js';

/** Who the rights belong to: their ids bind `contact`, `account` and `self` scopes. */
export interface VisitorIdentity {
  /** The contact id; absent while nobody is signed in. */
  readonly contactId?: string | undefined;
  /** The contact's account id, if any. */
  readonly accountId?: string | undefined;
}

/** One side of an association. */
export interface RowRef {
  readonly table: string;
  readonly row: Row;
}

const COLUMN_PRIVILEGE: Readonly<Record<ColumnOperation, Privilege>> = {
  read: 'read',
  update: 'write',
  create: 'create',
};

/**
 * The evaluator: answers what a visitor may do, from a {@link RightsDocument}. Pure and synchronous,
 * so the browser decides from a cached permission set before any request, and the server answers the
 * same questions from the same code.
 */
export class Rights {
  readonly #roles: ReadonlySet<string>;
  /** Row filters by privilege and table: the document is immutable, so each is built once. */
  readonly #filters = new Map<string, RowPredicate>();
  /** Page rules with their paths normalised once (a set from the network is not trusted to be). */
  readonly #pages: readonly PageRuleGrant[];

  constructor(
    /** The visitor's rights. */
    readonly document: RightsDocument,
    /** The visitor the rights belong to. */
    readonly visitor: VisitorIdentity,
  ) {
    this.#roles = new Set(document.roles);
    this.#pages = document.pages.map((rule) => ({ ...rule, path: normalizePagePath(rule.path) }));
  }

  /** Effective role names (including the Anonymous or Authenticated role), sorted. */
  get roles(): readonly string[] {
    return this.document.roles;
  }

  /** Whether the visitor holds the role (exact name). */
  hasRole(role: string): boolean {
    return this.#roles.has(role);
  }

  /** Whether the visitor holds at least one of the roles. */
  hasAnyRole(roles: Iterable<string>): boolean {
    for (const role of roles) if (this.#roles.has(role)) return true;
    return false;
  }

  /**
   * Whether the visitor may exercise `privilege` on `table`. Without a row: on some row (or, for
   * `create`, on the table at all). With a row: on that row. `create` applies to the table, so a row
   * does not change its answer. Parent-scope grants need `resolve` to see the parent rows; without it
   * they answer no.
   */
  can(privilege: Privilege, table: string, row?: Row, resolve?: RowResolver): boolean {
    const reach = this.rowFilter(privilege, table);
    if (reach.kind === 'none') return false;
    if (privilege === 'create' || row === undefined) return true;
    return matchesRow(reach, row, resolve);
  }

  /** The privileges the visitor has on `row`: the `_actions` a data API response carries. */
  actionsOn(table: string, row: Row, resolve?: RowResolver): Privilege[] {
    return PRIVILEGES.filter((privilege) => this.can(privilege, table, row, resolve));
  }

  /**
   * Whether the visitor may associate two rows: `append` on the row being attached and `appendTo` on
   * the row it is attached to (Dataverse semantics: a note appended to an incident needs append on the
   * note and appendTo on the incident).
   */
  canAssociate(appended: RowRef, target: RowRef, resolve?: RowResolver): boolean {
    return (
      this.can('append', appended.table, appended.row, resolve) &&
      this.can('appendTo', target.table, target.row, resolve)
    );
  }

  /**
   * The rows of `table` the visitor may exercise `privilege` on, as a query-neutral predicate with the
   * visitor's ids bound. The server compiles it into the WHERE clause of every data query.
   */
  rowFilter(privilege: Privilege, table: string): RowPredicate {
    const key = `${privilege}\u0000${table}`;
    let filter = this.#filters.get(key);
    if (filter === undefined) {
      filter = anyOf(this.#grants(privilege, table).map((grant) => this.#predicate(table, grant)));
      this.#filters.set(key, filter);
    }
    return filter;
  }

  /**
   * Whether the visitor may read, update or create `column` of `table`: the table privilege first,
   * then the column permissions. System columns are readable with the row and never writable; names
   * the table does not declare are never allowed.
   */
  canColumn(operation: ColumnOperation, table: string, column: string): boolean {
    if (!isColumnName(column) || !this.can(COLUMN_PRIVILEGE[operation], table)) return false;
    if ((SYSTEM_COLUMNS as readonly string[]).includes(column)) return operation === 'read';
    return ownValue(this.document.columns, table)?.[operation].includes(column) ?? false;
  }

  /** The subset of `columns` the visitor may read, update or create, in the given order. */
  columns(operation: ColumnOperation, table: string, columns: readonly string[]): string[] {
    return columns.filter((column) => this.canColumn(operation, table, column));
  }

  /** Whether the visitor may read the page at `path` (page rules, inherited by child paths). */
  canReadPage(path: string): boolean {
    return this.page(path).read;
  }

  /** Whether the visitor may change the page at `path` (a `grantChange` rule). */
  canChangePage(path: string): boolean {
    return this.page(path).change;
  }

  /** Read and change rights on one page. */
  page(path: string): PageDecision {
    return decideNormalizedPage(this.#pages, normalizePagePath(path));
  }

  /** Front-side editing rights. */
  get website(): WebsiteRights {
    return this.document.website;
  }

  /** Whether the visitor holds one front-side editing right. */
  canWebsite(right: WebsiteRight): boolean {
    return this.document.website[right] === true;
  }

  #grants(privilege: Privilege, table: string): readonly ScopeGrant[] {
    // Names arrive from callers and from the network: only own members count, never Object.prototype's.
    const tableGrants = ownValue(this.document.tables, table);
    return (tableGrants && ownValue(tableGrants, privilege)) ?? [];
  }

  #predicate(table: string, grant: ScopeGrant): RowPredicate {
    const { contactId, accountId } = this.visitor;
    switch (grant.scope) {
      case 'global':
        return ALL_ROWS;
      case 'contact':
        return contactId ? { kind: 'equals', column: grant.column, value: contactId } : NO_ROWS;
      case 'account':
        // An account binds only through a signed-in contact: an anonymous visitor has no account.
        return contactId && accountId ? { kind: 'equals', column: grant.column, value: accountId } : NO_ROWS;
      case 'self':
        return table === 'contact' && contactId ? { kind: 'equals', column: 'id', value: contactId } : NO_ROWS;
      case 'parent': {
        const where = this.#predicate(grant.table, grant.parent);
        return where.kind === 'none'
          ? NO_ROWS
          : { kind: 'related', column: grant.relationship, table: grant.table, where };
      }
    }
  }
}

/** Names a configuration may declare (the schema's pattern, minus the prototype's members). */
function isColumnName(name: string): boolean {
  return /^[a-z][a-z0-9_]{0,62}$/.test(name) && !(name in Object.prototype) && name !== 'prototype';
}

function ownValue<T>(record: Readonly<Partial<Record<string, T>>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
