import { SERVER_MANAGED_COLUMNS } from '../model/built-ins.js';
import type { PortalModel } from '../model/portal-model.js';
import { COLUMN_OPERATIONS, PRIVILEGES, SYSTEM_COLUMNS, WEBSITE_RIGHTS } from '../model/vocabulary.js';
import type { ColumnOperation, Privilege, WebsiteRight } from '../model/vocabulary.js';
import { canonicalize, canonicalJson, defineOwn } from '../util/canonical-json.js';
import { Rights } from './rights.js';
import type { VisitorIdentity } from './rights.js';
import type {
  ColumnGrants,
  PageRuleGrant,
  RightsDocument,
  ScopeGrant,
  TableGrants,
  WebsiteRights,
} from './rights-document.js';

/** A visitor as the server knows them: identity plus the roles assigned in the database. */
export interface Visitor extends VisitorIdentity {
  /** Roles assigned to the contact (or its account). Ignored while nobody is signed in. */
  readonly roles?: readonly string[] | undefined;
}

/**
 * The roles that apply: the Anonymous role alone while nobody is signed in; otherwise the
 * Authenticated role plus the assigned roles the configuration still declares (a role deleted from
 * the config but still assigned in the database grants nothing; the Anonymous role is never assigned).
 */
export function effectiveRoles(model: PortalModel, visitor: Visitor): string[] {
  if (!visitor.contactId) return [model.roles.anonymous];
  const declared = new Set(model.roles.names);
  const roles = new Set([model.roles.authenticated]);
  for (const role of visitor.roles ?? []) {
    if (declared.has(role) && role !== model.roles.anonymous) roles.add(role);
  }
  return [...roles].sort();
}

/**
 * A document depends only on the model and the effective roles (never on ids), so each distinct role
 * combination is resolved once per model: the server answers every request from a handful of frozen
 * documents. Keyed weakly by model, so a reloaded configuration starts afresh.
 */
const documentsByModel = new WeakMap<PortalModel, Map<string, RightsDocument>>();
/** Bounds the cache for a model with an unusual number of role combinations in use. */
const MAX_CACHED_DOCUMENTS = 1024;

/**
 * Computes a visitor's {@link RightsDocument} from the model: deterministic, so equal rights are
 * byte-equal. The result is frozen and may be shared between visitors with the same roles.
 */
export function resolveRightsDocument(model: PortalModel, visitor: Visitor): RightsDocument {
  const roles = effectiveRoles(model, visitor);
  let documents = documentsByModel.get(model);
  if (!documents) {
    documents = new Map();
    documentsByModel.set(model, documents);
  }
  const key = JSON.stringify(roles);
  let document = documents.get(key);
  if (!document) {
    document = deepFreeze(canonicalize(computeRightsDocument(model, roles)));
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
    documents.set(key, document);
  }
  return document;
}

function computeRightsDocument(model: PortalModel, roles: string[]): RightsDocument {
  const held = new Set(roles);
  const holds = (names: readonly string[]): boolean => names.some((name) => held.has(name));
  const tables = tableGrants(model, holds);
  return {
    roles,
    tables,
    columns: columnGrants(model, holds, tables),
    pages: pageGrants(model, holds),
    website: websiteRights(model, holds),
  };
}

/** The evaluator for a visitor, straight from the model (the server's view of the same rights). */
export function resolveRights(model: PortalModel, visitor: Visitor): Rights {
  return new Rights(resolveRightsDocument(model, visitor), visitor);
}

type Holds = (roles: readonly string[]) => boolean;

function tableGrants(model: PortalModel, holds: Holds): Record<string, TableGrants> {
  const collected = new Map<string, Map<Privilege, ScopeGrant[]>>();
  for (const permission of model.tablePermissions) {
    if (!holds(permission.roles) || permission.privileges.length === 0) continue;
    const byPrivilege = collected.get(permission.table) ?? new Map<Privilege, ScopeGrant[]>();
    collected.set(permission.table, byPrivilege);
    for (const privilege of permission.privileges) {
      byPrivilege.set(privilege, [...(byPrivilege.get(privilege) ?? []), permission.grant]);
    }
  }
  const tables: Record<string, TableGrants> = {};
  for (const table of [...collected.keys()].sort()) {
    const byPrivilege = collected.get(table)!;
    const grants: Partial<Record<Privilege, ScopeGrant[]>> = {};
    for (const privilege of PRIVILEGES) {
      const list = byPrivilege.get(privilege);
      if (list) grants[privilege] = normalizeGrants(list);
    }
    defineOwn(tables, table, grants);
  }
  return tables;
}

/** Sorted, without duplicates; a `global` grant makes every other grant for that privilege redundant. */
function normalizeGrants(grants: readonly ScopeGrant[]): ScopeGrant[] {
  if (grants.some((grant) => grant.scope === 'global')) return [{ scope: 'global' }];
  const unique = new Map(grants.map((grant) => [canonicalJson(grant), grant]));
  return [...unique.keys()].sort().map((key) => unique.get(key)!);
}

/**
 * For every table the visitor has a grant on: the declared columns they may read, update and create.
 * Listing allowed columns (rather than hidden ones) means a hidden column's name never reaches the
 * browser, and the evaluator can answer for any column name without the table schema.
 */
function columnGrants(
  model: PortalModel,
  holds: Holds,
  tables: Readonly<Record<string, TableGrants>>,
): Record<string, ColumnGrants> {
  const columns: Record<string, ColumnGrants> = {};
  for (const table of Object.keys(tables)) {
    const tableModel = Object.hasOwn(model.tables, table) ? model.tables[table] : undefined;
    if (tableModel === undefined) continue;
    const restrictions = new Map(
      model.columnPermissions.filter((p) => p.table === table).map((p) => [p.column, p]),
    );
    const declared = Object.keys(tableModel.columns)
      .filter((column) => !(SYSTEM_COLUMNS as readonly string[]).includes(column))
      .sort();
    const managed = Object.hasOwn(SERVER_MANAGED_COLUMNS, table) ? SERVER_MANAGED_COLUMNS[table]! : [];
    const allowed = (operation: ColumnOperation): string[] =>
      declared.filter((column) => {
        if (operation !== 'read' && managed.includes(column)) return false;
        const restriction = restrictions.get(column);
        return restriction === undefined || holds(restriction[operation]);
      });
    defineOwn(
      columns,
      table,
      Object.fromEntries(COLUMN_OPERATIONS.map((operation) => [operation, allowed(operation)])) as Record<ColumnOperation, string[]>,
    );
  }
  return columns;
}

function pageGrants(model: PortalModel, holds: Holds): PageRuleGrant[] {
  return model.pageRules
    .map((rule) => ({ path: rule.path, right: rule.right, granted: holds(rule.roles) }))
    .sort((a, b) => compare(a.path, b.path) || compare(a.right, b.right) || Number(a.granted) - Number(b.granted));
}

function websiteRights(model: PortalModel, holds: Holds): WebsiteRights {
  const rights = Object.fromEntries(WEBSITE_RIGHTS.map((right) => [right, false])) as Record<WebsiteRight, boolean>;
  for (const permission of model.websitePermissions) {
    if (!holds(permission.roles)) continue;
    for (const right of WEBSITE_RIGHTS) if (permission[right] === true) rights[right] = true;
  }
  return rights;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
