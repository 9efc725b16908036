/**
 * Semantic validation: the cross-references and security rules a JSON Schema cannot express. It reads
 * the input defensively (any part may be missing or of the wrong type, which the structural check has
 * already reported), so it never throws and only judges what it can make sense of.
 * @packageDocumentation
 */
import { normalizePagePath } from '../evaluator/pages.js';
import { BUILT_IN_TABLE_CONFIGS } from '../model/built-ins.js';
import { COLUMN_TYPES, PRIVILEGES, SCOPES, SYSTEM_COLUMNS, WEBSITE_RIGHTS } from '../model/vocabulary.js';
import {
  describeOwner,
  describeSubject,
  formatPath,
  isRecord,
  listNames,
  ownValue,
  quote,
  valueAt,
} from './json-path.js';
import type { PathSegment } from './json-path.js';
import type { ConfigIssue } from './validate.js';

interface Column {
  /** A column type, or `system` for `id`, `createdon`, `modifiedon` and `rowversion`; undefined when unreadable. */
  readonly type: string | undefined;
  /** For lookups: the table looked up. */
  readonly target: string | undefined;
}

interface Permission {
  readonly index: number;
  readonly object: Record<string, unknown>;
  readonly name: string | undefined;
  readonly table: string | undefined;
  /** Only a scope from the vocabulary; anything else was reported structurally. */
  readonly scope: string | undefined;
  /** The string entries of `roles` with their indexes; null when `roles` is present but not a list. */
  readonly roles: readonly (readonly [number, string])[] | undefined | null;
  readonly parentName: string | undefined;
  readonly privileges: readonly string[];
}

interface Context {
  readonly root: Record<string, unknown>;
  readonly issues: ConfigIssue[];
  /** Whether the structural check complained at or above this path. */
  readonly unsound: (path: string) => boolean;
  readonly roleNames: ReadonlySet<string>;
  readonly declaredRoles: readonly string[];
  /** False when some web role is unreadable: a reference to it would look unknown. */
  readonly rolesComplete: boolean;
  readonly anonymousRole: string | undefined;
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, Column>>;
  /** Declared tables whose columns are unreadable: a reference to one of them would look unknown. */
  readonly incompleteTables: ReadonlySet<string>;
}

const SYSTEM = new Set<string>(SYSTEM_COLUMNS);
const WRITE_PRIVILEGES = new Set(['write', 'delete', 'append', 'appendTo']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const SCOPE_FIELDS: Readonly<Record<string, string>> = {
  contactColumn: 'contact',
  accountColumn: 'account',
  parent: 'parent',
  relationship: 'parent',
};
const COLUMN_TYPE_RULES: readonly (readonly [string, readonly string[]])[] = [
  ['options', ['choice']],
  ['table', ['lookup']],
  ['maxLength', ['string', 'text']],
  ['searchable', ['string', 'text', 'choice']],
  // Long text cannot be sorted on, so it gets no sort index.
  ['sortable', ['string', 'integer', 'decimal', 'boolean', 'datetime', 'choice', 'lookup']],
];

/**
 * Checks cross-references and security rules. `unsound(path)` tells which paths the structural check
 * rejected, so a comparison never runs on a value already reported as malformed.
 */
export function semanticIssues(input: unknown, unsound: (path: string) => boolean): ConfigIssue[] {
  if (!isRecord(input)) return [];
  const roles = collectRoles(input, unsound);
  const tables = collectTables(input);
  const context: Context = {
    root: input,
    issues: [],
    unsound,
    roleNames: new Set(roles.names),
    declaredRoles: roles.names,
    rolesComplete: roles.complete,
    anonymousRole: roles.anonymous,
    tables: tables.tables,
    incompleteTables: tables.incomplete,
  };
  checkSite(context);
  checkAuthentication(context);
  checkTables(context);
  checkWebRoles(context);
  checkTablePermissions(context);
  checkColumnPermissions(context);
  checkPageRules(context);
  checkWebsitePermissions(context);
  return context.issues;
}

function report(
  context: Context,
  code: string,
  segments: readonly PathSegment[],
  message: string,
  severity: 'error' | 'warning' = 'error',
): void {
  context.issues.push({ path: formatPath(segments), message, code, severity });
}

function isSound(context: Context, segments: readonly PathSegment[]): boolean {
  return !context.unsound(formatPath(segments));
}

/** Array entries that are strings, with their indexes (other entries were reported structurally). */
function stringEntries(value: unknown): [number, string][] {
  if (!Array.isArray(value)) return [];
  const entries: [number, string][] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item === 'string') entries.push([index, item]);
  });
  return entries;
}

function records(value: unknown): [number, Record<string, unknown>][] {
  if (!Array.isArray(value)) return [];
  const entries: [number, Record<string, unknown>][] = [];
  value.forEach((item: unknown, index) => {
    if (isRecord(item)) entries.push([index, item]);
  });
  return entries;
}

function stringAt(object: unknown, key: string): string | undefined {
  const value = ownValue(object, key);
  return typeof value === 'string' ? value : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Collected facts

function collectRoles(
  root: Record<string, unknown>,
  unsound: (path: string) => boolean,
): { names: string[]; complete: boolean; anonymous: string | undefined } {
  const roles = ownValue(root, 'webRoles');
  const names: string[] = [];
  let anonymous: string | undefined;
  for (const [index, role] of records(roles)) {
    const name = stringAt(role, 'name');
    if (name === undefined || unsound(formatPath(['webRoles', index, 'name']))) continue;
    names.push(name);
    if (anonymous === undefined && ownValue(role, 'anonymous') === true) anonymous = name;
  }
  const complete = Array.isArray(roles) && names.length === roles.length;
  return { names, complete, anonymous };
}

function collectTables(root: Record<string, unknown>): {
  tables: Map<string, Map<string, Column>>;
  incomplete: Set<string>;
} {
  const tables = new Map<string, Map<string, Column>>();
  const incomplete = new Set<string>();
  for (const [name, config] of Object.entries(BUILT_IN_TABLE_CONFIGS)) {
    const columns = new Map<string, Column>();
    for (const [column, definition] of Object.entries(config.columns)) {
      columns.set(column, { type: definition.type, target: definition.table });
    }
    tables.set(name, columns);
  }
  const declared = ownValue(root, 'tables');
  if (isRecord(declared)) {
    for (const name of Object.keys(declared)) {
      const columns = tables.get(name) ?? new Map<string, Column>();
      const declaredColumns = ownValue(ownValue(declared, name), 'columns');
      if (!isRecord(declaredColumns)) incomplete.add(name);
      else {
        for (const column of Object.keys(declaredColumns)) {
          // A redefined built-in column is an error; until it is fixed the built-in definition stands.
          if (columns.has(column)) continue;
          const definition = ownValue(declaredColumns, column);
          columns.set(column, { type: stringAt(definition, 'type'), target: stringAt(definition, 'table') });
        }
      }
      tables.set(name, columns);
    }
  }
  for (const columns of tables.values()) {
    for (const column of SYSTEM_COLUMNS) columns.set(column, { type: 'system', target: undefined });
  }
  return { tables, incomplete };
}

/**
 * Whether a column's definition can be judged: its type is readable and, for a lookup, its target
 * table exists (an unknown target is reported on the column itself, not again on everything using it).
 */
function isJudgeable(context: Context, column: Column): boolean {
  if (column.type === undefined) return false;
  return column.type !== 'lookup' || (column.target !== undefined && context.tables.has(column.target));
}

function tableNames(context: Context): string[] {
  return [...context.tables.keys()].sort();
}

function columnNames(context: Context, table: string): string[] {
  const columns = context.tables.get(table);
  if (columns === undefined) return [];
  return [...columns.entries()]
    .filter(([, column]) => column.type !== 'system')
    .map(([name]) => name)
    .sort();
}

function describeColumn(column: Column): string {
  if (column.type === 'system') return 'a system column';
  if (column.type === 'lookup') return `a lookup to ${quote(column.target ?? '?')}`;
  return `${typeWithArticle(column.type ?? '?')} column`;
}

/** `a "string"`, `an "integer"`. */
function typeWithArticle(type: string): string {
  return `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${quote(type)}`;
}

function checkRoleReferences(context: Context, segments: readonly PathSegment[], owner: string, list?: string): void {
  if (!context.rolesComplete) return;
  const where = list === undefined ? '' : ` in ${quote(list)}`;
  for (const [index, role] of stringEntries(valueAt(context.root, segments))) {
    if (context.roleNames.has(role)) continue;
    report(
      context,
      'unknown-role',
      [...segments, index],
      `${owner} names unknown role ${quote(role)}${where}. Declared roles: ${listNames(context.declaredRoles)}.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Site and authentication

function checkSite(context: Context): void {
  for (const [index, origin] of stringEntries(valueAt(context.root, ['site', 'origins']))) {
    const segments = ['site', 'origins', index];
    const problem = originProblem(origin);
    if (problem !== undefined) {
      report(context, 'invalid-origin', segments, `Origin ${quote(origin)} ${problem}.`);
      continue;
    }
    const url = new URL(origin);
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      report(
        context,
        'insecure-origin',
        segments,
        `Origin ${quote(origin)} uses http, so sign-ins from it travel unencrypted; use https outside local testing.`,
        'warning',
      );
    }
  }
}

function originProblem(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'is not an absolute URL such as "https://portal.example.com"';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `uses ${quote(url.protocol)}, but only http and https origins are allowed`;
  }
  if (url.origin !== origin) {
    return `is not written as an origin; write it as ${quote(url.origin)} (scheme, host and optional port, with no path or trailing slash)`;
  }
  return undefined;
}

function checkAuthentication(context: Context): void {
  checkLimits(context);
  const providers = records(valueAt(context.root, ['authentication', 'providers']));
  const firstById = new Map<string, number>();
  const contactColumns = context.tables.get('contact') ?? new Map<string, Column>();
  for (const [index, provider] of providers) {
    const base = ['authentication', 'providers', index];
    const owner = describeOwner(base, context.root);
    const id = stringAt(provider, 'id');
    if (id !== undefined) {
      const first = firstById.get(id);
      if (first === undefined) firstById.set(id, index);
      else {
        report(
          context,
          'duplicate-id',
          [...base, 'id'],
          `Provider id ${quote(id)} is already used by the provider at index ${first}; provider ids must be unique.`,
        );
      }
    }
    const type = stringAt(provider, 'type');
    if (type === 'oidc' && Object.hasOwn(provider, 'authority')) {
      report(
        context,
        'inapplicable-property',
        [...base, 'authority'],
        `${owner} is an "oidc" provider, so "authority" does not apply to it; an "oidc" provider is identified by its "issuer".`,
      );
    }
    for (const field of ['issuer', 'authority']) {
      const value = stringAt(provider, field);
      if (value === undefined || value === '') continue;
      const problem = urlProblem(value);
      if (problem !== undefined) {
        const segments = [...base, field];
        report(
          context,
          problem.code,
          segments,
          `${describeSubject(segments, context.root)} is ${quote(value)}, which ${problem.reason}.`,
        );
      }
    }
    const mapping = ownValue(provider, 'claimMapping');
    if (!isRecord(mapping)) continue;
    for (const column of Object.keys(mapping)) {
      const segments = [...base, 'claimMapping', column];
      if (SYSTEM.has(column)) {
        report(
          context,
          'system-column',
          segments,
          `${owner} maps a claim to system column ${quote(column)}, which only the server sets.`,
        );
      } else if (column === 'accountid') {
        report(
          context,
          'protected-column',
          segments,
          `${owner} maps a claim to "accountid", but a contact's account is assigned by invitations and administrators, never taken from an identity provider's claims.`,
        );
      } else if (!contactColumns.has(column) && !context.incompleteTables.has('contact')) {
        report(
          context,
          'unknown-column',
          segments,
          `${owner} maps a claim to unknown contact column ${quote(column)}. Contact columns: ${listNames(columnNames(context, 'contact'))}.`,
        );
      }
    }
  }
}

function urlProblem(value: string): { code: string; reason: string } | undefined {
  let url: URL | undefined;
  try {
    // `https:host` parses too, leniently; an issuer is compared as an exact string, so insist on `//`.
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined) return { code: 'invalid-url', reason: 'is not an absolute URL such as "https://idp.example.com"' };
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return { code: 'insecure-url', reason: 'uses http; it must be https (http is accepted only for 127.0.0.1, localhost and [::1])' };
    }
  } else if (url.protocol !== 'https:') {
    return { code: 'invalid-url', reason: `uses ${quote(url.protocol)}; it must be an https URL` };
  }
  if (url.username !== '' || url.password !== '') return { code: 'invalid-url', reason: 'contains credentials, which it must not' };
  if (value.includes('?') || value.includes('#')) return { code: 'invalid-url', reason: 'has a query or fragment, which it must not' };
  return undefined;
}

function checkLimits(context: Context): void {
  const idlePath = ['authentication', 'session', 'idleMinutes'];
  const absolutePath = ['authentication', 'session', 'absoluteHours'];
  const idle = valueAt(context.root, idlePath) ?? 30;
  const absolute = valueAt(context.root, absolutePath) ?? 12;
  if (
    typeof idle === 'number' &&
    typeof absolute === 'number' &&
    isSound(context, idlePath) &&
    isSound(context, absolutePath) &&
    absolute * 60 < idle
  ) {
    report(
      context,
      'session-limits',
      idlePath,
      `"authentication.session.idleMinutes" is ${idle}, longer than the absolute session lifetime of ${absolute} hours (${absolute * 60} minutes), so sessions could never reach their idle limit; make it at most absoluteHours × 60.`,
    );
  }
  const minPath = ['authentication', 'password', 'minLength'];
  const maxPath = ['authentication', 'password', 'maxLength'];
  const min = valueAt(context.root, minPath) ?? 8;
  const max = valueAt(context.root, maxPath) ?? 256;
  if (typeof min === 'number' && typeof max === 'number' && isSound(context, minPath) && isSound(context, maxPath) && max < min) {
    report(
      context,
      'password-length',
      maxPath,
      `"authentication.password.maxLength" is ${max}, shorter than "authentication.password.minLength" (${min}), so no password could be accepted.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Tables

function checkTables(context: Context): void {
  const declared = ownValue(context.root, 'tables');
  if (!isRecord(declared)) return;
  for (const table of Object.keys(declared)) {
    const tableSegments = ['tables', table];
    if (/^(?:pk_|sqlite_|kysely_)/.test(table)) {
      report(
        context,
        'reserved-name',
        tableSegments,
        `Table name ${quote(table)} is reserved: names starting with "pk_" or "kysely_" belong to PortalKit's own tables and names starting with "sqlite_" to SQLite.`,
      );
    }
    const columns = ownValue(ownValue(declared, table), 'columns');
    if (!isRecord(columns)) continue;
    const builtIn = Object.hasOwn(BUILT_IN_TABLE_CONFIGS, table)
      ? BUILT_IN_TABLE_CONFIGS[table as keyof typeof BUILT_IN_TABLE_CONFIGS].columns
      : undefined;
    for (const column of Object.keys(columns)) {
      const segments = [...tableSegments, 'columns', column];
      if (SYSTEM.has(column)) {
        report(
          context,
          'system-column',
          segments,
          `Table ${quote(table)} declares column ${quote(column)}, but "id", "createdon", "modifiedon" and "rowversion" are system columns every table has; remove it.`,
        );
      } else if (builtIn !== undefined && Object.hasOwn(builtIn, column)) {
        report(
          context,
          'redefines-built-in-column',
          segments,
          `Table ${quote(table)} redefines its built-in column ${quote(column)}; built-in tables may gain new columns but not change their own.`,
        );
      } else {
        checkColumn(context, segments, ownValue(columns, column));
      }
    }
  }
}

function checkColumn(context: Context, segments: readonly PathSegment[], column: unknown): void {
  if (!isRecord(column)) return;
  const type = stringAt(column, 'type');
  if (type === undefined || !(COLUMN_TYPES as readonly string[]).includes(type)) return;
  const owner = describeOwner(segments, context.root);
  for (const [property, types] of COLUMN_TYPE_RULES) {
    if (!Object.hasOwn(column, property) || types.includes(type)) continue;
    const kinds = types.map((kind) => quote(kind)).join(types.length > 2 ? ', ' : ' and ');
    report(
      context,
      'inapplicable-property',
      [...segments, property],
      `${owner} has ${quote(property)}, which applies only to ${kinds} columns, not to ${typeWithArticle(type)} column.`,
    );
  }
  const target = stringAt(column, 'table');
  if (type === 'lookup' && target !== undefined && !context.tables.has(target)) {
    report(
      context,
      'unknown-table',
      [...segments, 'table'],
      `${owner} looks up unknown table ${quote(target)}. Tables: ${listNames(tableNames(context))}.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Web roles

function checkWebRoles(context: Context): void {
  const roles = ownValue(context.root, 'webRoles');
  if (!Array.isArray(roles)) return;
  const firstByName = new Map<string, [number, string]>();
  const anonymous: number[] = [];
  const authenticated: number[] = [];
  for (const [index, role] of records(roles)) {
    const name = stringAt(role, 'name');
    if (name !== undefined) {
      const first = firstByName.get(name.toLowerCase());
      if (first === undefined) firstByName.set(name.toLowerCase(), [index, name]);
      else {
        report(
          context,
          'duplicate-name',
          ['webRoles', index, 'name'],
          `Web role name ${quote(name)} is already used by web role ${quote(first[1])} at index ${first[0]}; role names must be unique, ignoring case.`,
        );
      }
    }
    const isAnonymous = ownValue(role, 'anonymous') === true;
    const isAuthenticated = ownValue(role, 'authenticated') === true;
    if (isAnonymous && isAuthenticated) {
      report(
        context,
        'conflicting-role-flags',
        ['webRoles', index],
        `${describeOwner(['webRoles', index], context.root)} is marked both "anonymous" and "authenticated", but the Anonymous role applies only while nobody is signed in and the Authenticated role only to signed-in contacts.`,
      );
    }
    if (isAnonymous) anonymous.push(index);
    if (isAuthenticated) authenticated.push(index);
  }
  // An unreadable entry might be the missing role; its own error says enough.
  const readable = records(roles).length === roles.length;
  checkSpecialRole(context, 'anonymous', anonymous, 'visitors who are not signed in', readable);
  checkSpecialRole(context, 'authenticated', authenticated, 'every signed-in contact', readable);
}

function checkSpecialRole(
  context: Context,
  flag: 'anonymous' | 'authenticated',
  indexes: readonly number[],
  who: string,
  readable: boolean,
): void {
  const [first, ...others] = indexes;
  if (first === undefined) {
    if (!readable) return;
    report(
      context,
      `missing-${flag}-role`,
      ['webRoles'],
      `No web role is marked "${flag}": true, but exactly one role must apply to ${who}.`,
    );
    return;
  }
  const firstNoun = describeOwner(['webRoles', first], context.root, false);
  for (const index of others) {
    report(
      context,
      `duplicate-${flag}-role`,
      ['webRoles', index, flag],
      `${describeOwner(['webRoles', index], context.root)} is marked "${flag}": true, but ${firstNoun} already is; exactly one role may apply to ${who}.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Table permissions

function collectPermissions(root: Record<string, unknown>): Permission[] {
  return records(ownValue(root, 'tablePermissions')).map(([index, object]) => {
    const scope = stringAt(object, 'scope');
    const roles = ownValue(object, 'roles');
    return {
      index,
      object,
      name: stringAt(object, 'name'),
      table: stringAt(object, 'table'),
      scope: scope !== undefined && (SCOPES as readonly string[]).includes(scope) ? scope : undefined,
      roles: roles === undefined ? undefined : Array.isArray(roles) ? stringEntries(roles) : null,
      parentName: stringAt(object, 'parent'),
      privileges: stringEntries(ownValue(object, 'privileges'))
        .map(([, privilege]) => privilege)
        .filter((privilege) => (PRIVILEGES as readonly string[]).includes(privilege)),
    };
  });
}

class PermissionGraph {
  private readonly byName = new Map<string, Permission>();
  /** False when some permission's name is unreadable: a reference to it would look unknown. */
  readonly complete: boolean;

  constructor(readonly permissions: readonly Permission[], total: number) {
    this.complete = permissions.length === total && permissions.every((permission) => permission.name !== undefined);
    // A duplicated name is an error of its own; until it is fixed, references resolve to the first.
    for (const permission of permissions) {
      if (permission.name !== undefined && !this.byName.has(permission.name)) this.byName.set(permission.name, permission);
    }
  }

  named(name: string): Permission | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  parentOf(permission: Permission): Permission | undefined {
    if (permission.scope !== 'parent' || permission.parentName === undefined) return undefined;
    return this.byName.get(permission.parentName);
  }

  /** The permissions from this one up around its cycle and back, when it lies on one. */
  cycleThrough(permission: Permission): Permission[] | undefined {
    const chain = [permission];
    for (let current = this.parentOf(permission); current !== undefined; current = this.parentOf(current)) {
      if (current === permission) return [...chain, permission];
      if (chain.includes(current)) return undefined;
      chain.push(current);
    }
    return undefined;
  }

  /** The first non-`parent` permission up the chain; undefined when the chain is broken or cyclic. */
  rootOf(permission: Permission): Permission | undefined {
    const seen = new Set<Permission>();
    let current: Permission | undefined = permission;
    while (current !== undefined && current.scope === 'parent') {
      if (seen.has(current)) return undefined;
      seen.add(current);
      current = this.parentOf(current);
    }
    return current;
  }

  /**
   * The roles a permission applies to: its own, or for a `parent` permission that names none, its
   * parent's. Undefined when they cannot be known (a broken chain, or `roles` not a list).
   */
  effectiveRoles(permission: Permission, visiting = new Set<Permission>()): readonly string[] | undefined {
    if (permission.roles === null || permission.scope === undefined) return undefined;
    // Listed roles are the permission's own (an explicit empty list grants nothing); only an omitted list inherits.
    if (permission.roles !== undefined) return permission.roles.map(([, role]) => role);
    if (permission.scope !== 'parent') return [];
    const parent = this.parentOf(permission);
    visiting.add(permission);
    if (parent === undefined || visiting.has(parent)) return undefined;
    return this.effectiveRoles(parent, visiting);
  }
}

function checkTablePermissions(context: Context): void {
  const list = ownValue(context.root, 'tablePermissions');
  const graph = new PermissionGraph(collectPermissions(context.root), Array.isArray(list) ? list.length : 0);
  const firstByName = new Map<string, Permission>();
  for (const permission of graph.permissions) {
    const base = ['tablePermissions', permission.index];
    const owner = describeOwner(base, context.root);
    if (permission.name !== undefined) {
      const first = firstByName.get(permission.name.toLowerCase());
      if (first === undefined) firstByName.set(permission.name.toLowerCase(), permission);
      else {
        report(
          context,
          'duplicate-name',
          [...base, 'name'],
          `Table permission name ${quote(permission.name)} is already used by table permission ${quote(first.name ?? '')} at index ${first.index}; permission names must be unique, ignoring case.`,
        );
      }
    }
    if (permission.table !== undefined && !context.tables.has(permission.table)) {
      report(
        context,
        'unknown-table',
        [...base, 'table'],
        `${owner} is on unknown table ${quote(permission.table)}. Tables: ${listNames(tableNames(context))}.`,
      );
    }
    checkRoleReferences(context, [...base, 'roles'], owner);
    checkScope(context, graph, permission, owner);
  }
  checkParentChains(context, graph);
  checkAnonymousExposure(context, graph);
}

function checkScope(context: Context, graph: PermissionGraph, permission: Permission, owner: string): void {
  const { scope, table } = permission;
  if (scope === undefined) return;
  const base = ['tablePermissions', permission.index];
  for (const [field, fieldScope] of Object.entries(SCOPE_FIELDS)) {
    if (fieldScope !== scope && Object.hasOwn(permission.object, field)) {
      report(
        context,
        'inapplicable-property',
        [...base, field],
        `${owner} has ${quote(field)}, which applies only to scope ${quote(fieldScope)}, not to scope ${quote(scope)}.`,
      );
    }
  }
  if ((permission.roles?.length === 0 || (scope !== 'parent' && permission.roles === undefined)) && isSound(context, [...base, 'roles'])) {
    report(
      context,
      'grants-nothing',
      [...base, 'roles'],
      `${owner} names no role, so it grants nothing; list the roles it is for.`,
      'warning',
    );
  }
  const columns = table === undefined ? undefined : context.tables.get(table);
  switch (scope) {
    case 'contact':
      checkOwnerColumn(context, permission, owner, 'contactColumn', 'contact');
      break;
    case 'account':
      checkOwnerColumn(context, permission, owner, 'accountColumn', 'account');
      break;
    case 'self':
      if (table !== undefined && table !== 'contact') {
        report(
          context,
          'invalid-scope',
          [...base, 'scope'],
          `${owner} has scope "self" on table ${quote(table)}, but scope "self" (the visitor's own contact row) applies only to table "contact".`,
        );
      }
      break;
    case 'parent': {
      const parent = permission.parentName === undefined ? undefined : graph.named(permission.parentName);
      if (permission.parentName !== undefined && parent === undefined && graph.complete) {
        report(
          context,
          'unknown-parent',
          [...base, 'parent'],
          `${owner} names unknown parent permission ${quote(permission.parentName)}. Table permissions: ${listNames(graph.names())}.`,
        );
      }
      const relationship = stringAt(permission.object, 'relationship');
      if (relationship === undefined || columns === undefined || table === undefined) break;
      if (context.incompleteTables.has(table)) break;
      const column = columns.get(relationship);
      // An unknown parent table is reported on the parent; comparing against it would only echo that.
      const parentTable = parent?.table !== undefined && context.tables.has(parent.table) ? parent.table : undefined;
      const segments = [...base, 'relationship'];
      if (column === undefined) {
        report(
          context,
          'unknown-column',
          segments,
          `${owner} uses unknown column ${quote(relationship)} of table ${quote(table)} as its relationship. Lookup columns of ${quote(table)}: ${listNames(lookupColumns(columns))}.`,
        );
      } else if (!isJudgeable(context, column)) {
        break;
      } else if (column.type !== 'lookup') {
        report(
          context,
          'invalid-relationship',
          segments,
          `${owner} uses ${quote(`${table}.${relationship}`)} as its relationship, but that column is ${describeColumn(column)}, not a lookup${parentTable === undefined ? '' : ` to ${quote(parentTable)}`}.`,
        );
      } else if (parentTable !== undefined && column.target !== parentTable) {
        report(
          context,
          'invalid-relationship',
          segments,
          `${owner} uses ${quote(`${table}.${relationship}`)} as its relationship, but that column is a lookup to ${quote(column.target ?? '?')} while parent permission ${quote(parent?.name ?? '')} is on table ${quote(parentTable)}.`,
        );
      }
      break;
    }
  }
}

function lookupColumns(columns: ReadonlyMap<string, Column>, target?: string): string[] {
  return [...columns.entries()]
    .filter(([, column]) => column.type === 'lookup' && (target === undefined || column.target === target))
    .map(([name]) => name)
    .sort();
}

function checkOwnerColumn(
  context: Context,
  permission: Permission,
  owner: string,
  field: 'contactColumn' | 'accountColumn',
  target: 'contact' | 'account',
): void {
  const name = stringAt(permission.object, field);
  const table = permission.table;
  const columns = table === undefined ? undefined : context.tables.get(table);
  if (name === undefined || table === undefined || columns === undefined || context.incompleteTables.has(table)) return;
  const segments = ['tablePermissions', permission.index, field];
  const column = columns.get(name);
  if (column !== undefined && !isJudgeable(context, column)) return;
  if (column === undefined) {
    report(
      context,
      'unknown-column',
      segments,
      `${owner} uses unknown column ${quote(name)} of table ${quote(table)} as its ${field}. Lookups to ${quote(target)} on ${quote(table)}: ${listNames(lookupColumns(columns, target))}.`,
    );
  } else if (column.type !== 'lookup' || column.target !== target) {
    report(
      context,
      'invalid-scope-column',
      segments,
      `${owner} uses ${quote(`${table}.${name}`)} as its ${field}, but that column is ${describeColumn(column)}, not a lookup to ${quote(target)}.`,
    );
  }
}

function checkParentChains(context: Context, graph: PermissionGraph): void {
  for (const permission of graph.permissions) {
    if (permission.scope !== 'parent') continue;
    const base = ['tablePermissions', permission.index];
    const owner = describeOwner(base, context.root);
    const cycle = graph.cycleThrough(permission);
    if (cycle !== undefined) {
      const names = cycle.map((member) => quote(member.name ?? '?')).join(' → ');
      report(
        context,
        'parent-cycle',
        [...base, 'parent'],
        `${owner} is part of a parent cycle (${names}); a chain of parent permissions must end at a permission whose scope is not "parent".`,
      );
      continue;
    }
    const parent = graph.parentOf(permission);
    if (parent === undefined || permission.roles === null || permission.roles === undefined) continue;
    const inherited = graph.effectiveRoles(parent);
    // A parent naming an unknown role is reported there; which role it meant decides what the child may name.
    if (inherited === undefined || !context.rolesComplete || inherited.some((role) => !context.roleNames.has(role))) continue;
    for (const [index, role] of permission.roles) {
      if (!context.roleNames.has(role) || inherited.includes(role)) continue;
      const grants = inherited.length === 0 ? 'it grants no role' : `it grants: ${listNames(inherited)}`;
      report(
        context,
        'role-not-in-parent',
        [...base, 'roles', index],
        `${owner} names role ${quote(role)}, which its parent permission ${quote(parent.name ?? '')} does not grant (${grants}); a child permission may only narrow its parent's roles.`,
      );
    }
  }
}

/**
 * Refuses what leaked data from the 2021 portals: the Anonymous role reaching every row of a table,
 * directly (`global`) or through a child of a `global` permission, unless the permission says so.
 */
function checkAnonymousExposure(context: Context, graph: PermissionGraph): void {
  const anonymous = context.anonymousRole;
  if (anonymous === undefined) return;
  for (const permission of graph.permissions) {
    const roles = graph.effectiveRoles(permission);
    const base = ['tablePermissions', permission.index];
    if (roles === undefined || !isSound(context, [...base, 'privileges']) || !isSound(context, [...base, 'roles'])) continue;
    const owner = describeOwner(base, context.root);
    const root = permission.scope === 'global' ? permission : permission.scope === 'parent' ? graph.rootOf(permission) : undefined;
    const exposed = roles.includes(anonymous) && root?.scope === 'global';
    const reads = exposed && permission.privileges.includes('read');
    const writes = exposed ? permission.privileges.filter((privilege) => WRITE_PRIVILEGES.has(privilege)) : [];
    const table = quote(permission.table ?? '?');
    const reach =
      root === permission || root === undefined
        ? `every row of ${table}`
        : `every ${table} row related to any row of ${quote(root.table ?? '?')} (its ancestor ${quote(root.name ?? '?')} has global scope)`;
    const acknowledged = (flag: string): boolean => ownValue(permission.object, flag) === true;
    if (reads && !acknowledged('allowAnonymousGlobalRead')) {
      report(
        context,
        'anonymous-global-read',
        [...base, 'allowAnonymousGlobalRead'],
        `${owner} lets the Anonymous role ${quote(anonymous)} read ${reach}; set "allowAnonymousGlobalRead": true on it if that is really intended.`,
      );
    }
    if (writes.length > 0 && !acknowledged('allowAnonymousGlobalWrite')) {
      report(
        context,
        'anonymous-global-write',
        [...base, 'allowAnonymousGlobalWrite'],
        `${owner} gives the Anonymous role ${quote(anonymous)} ${writes.map((privilege) => quote(privilege)).join(', ')} on ${reach}; set "allowAnonymousGlobalWrite": true on it if that is really intended.`,
      );
    }
    if (!reads && acknowledged('allowAnonymousGlobalRead')) {
      report(
        context,
        'unneeded-acknowledgement',
        [...base, 'allowAnonymousGlobalRead'],
        `${owner} sets "allowAnonymousGlobalRead", but it does not let anonymous visitors read every row, so the flag acknowledges nothing; remove it.`,
        'warning',
      );
    }
    if (writes.length === 0 && acknowledged('allowAnonymousGlobalWrite')) {
      report(
        context,
        'unneeded-acknowledgement',
        [...base, 'allowAnonymousGlobalWrite'],
        `${owner} sets "allowAnonymousGlobalWrite", but it does not let anonymous visitors change every row, so the flag acknowledges nothing; remove it.`,
        'warning',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Column permissions, page rules, website permissions

function checkColumnPermissions(context: Context): void {
  const firstByColumn = new Map<string, number>();
  for (const [index, permission] of records(ownValue(context.root, 'columnPermissions'))) {
    const base = ['columnPermissions', index];
    const owner = describeOwner(base, context.root);
    const table = stringAt(permission, 'table');
    const column = stringAt(permission, 'column');
    const columns = table === undefined ? undefined : context.tables.get(table);
    if (table !== undefined && columns === undefined) {
      report(
        context,
        'unknown-table',
        [...base, 'table'],
        `${owner} is on unknown table ${quote(table)}. Tables: ${listNames(tableNames(context))}.`,
      );
    }
    if (column !== undefined && SYSTEM.has(column)) {
      report(
        context,
        'system-column',
        [...base, 'column'],
        `${owner} restricts system column ${quote(column)}, which cannot have a column permission: system columns are read with their row and never written.`,
      );
    } else if (
      column !== undefined &&
      table !== undefined &&
      columns !== undefined &&
      !context.incompleteTables.has(table) &&
      !columns.has(column)
    ) {
      report(
        context,
        'unknown-column',
        [...base, 'column'],
        `${owner} names unknown column ${quote(column)} of table ${quote(table)}. Columns of ${quote(table)}: ${listNames(columnNames(context, table))}.`,
      );
    }
    for (const operation of ['read', 'update', 'create']) {
      checkRoleReferences(context, [...base, operation], owner, operation);
    }
    if (table === undefined || column === undefined) continue;
    const key = `${table}\u0000${column}`;
    const first = firstByColumn.get(key);
    if (first === undefined) firstByColumn.set(key, index);
    else {
      report(
        context,
        'duplicate-column-permission',
        [...base, 'column'],
        `${owner} repeats the column permission at index ${first} for the same column; merge them into one.`,
      );
    }
  }
}

function checkPageRules(context: Context): void {
  const firstByRule = new Map<string, [number, string]>();
  for (const [index, rule] of records(ownValue(context.root, 'pageRules'))) {
    const base = ['pageRules', index];
    checkRoleReferences(context, [...base, 'roles'], describeOwner(base, context.root));
    const path = stringAt(rule, 'path');
    if (path === undefined || path === '') continue;
    const problem = pagePathProblem(path);
    if (problem !== undefined) {
      report(context, 'invalid-path', [...base, 'path'], `Page rule path ${quote(path)} ${problem}.`);
      continue;
    }
    const right = stringAt(rule, 'right');
    if (right === undefined || !isSound(context, [...base, 'right'])) continue;
    const key = `${right}\u0000${normalizePagePath(path)}`;
    const first = firstByRule.get(key);
    if (first === undefined) firstByRule.set(key, [index, path]);
    else {
      report(
        context,
        'conflicting-page-rules',
        [...base, 'path'],
        `Page rule path ${quote(path)} with right ${quote(right)} repeats the page rule at index ${first[0]} (${quote(first[1])}), which covers the same path with the same right; merge them into one.`,
      );
    }
  }
}

function pagePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with "/"';
  if (/[?#]/.test(path)) return 'must not contain a query ("?") or fragment ("#")';
  if (path.includes('\\')) return 'must not contain a backslash';
  if (/[\s\u0000-\u001f\u007f]/.test(path)) return 'must not contain spaces or control characters (percent-encode them)';
  if (path.includes('//')) return 'must not contain an empty segment ("//")';
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return `has a malformed percent-encoding in segment ${quote(segment)}`;
    }
    if (decoded === '.' || decoded === '..') return 'must not contain "." or ".." segments';
  }
  return undefined;
}

function checkWebsitePermissions(context: Context): void {
  for (const [index, permission] of records(ownValue(context.root, 'websitePermissions'))) {
    const base = ['websitePermissions', index];
    const owner = describeOwner(base, context.root);
    checkRoleReferences(context, [...base, 'roles'], owner);
    if (!WEBSITE_RIGHTS.some((right) => ownValue(permission, right) === true)) {
      report(
        context,
        'grants-nothing',
        base,
        `${owner} sets no right to true, so it grants nothing; set at least one of: ${listNames([...WEBSITE_RIGHTS])}.`,
        'warning',
      );
    }
  }
}
