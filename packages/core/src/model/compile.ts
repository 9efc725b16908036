import { normalizePagePath } from '../evaluator/pages.js';
import type { ScopeGrant } from '../evaluator/rights-document.js';
import { BUILT_IN_TABLE_CONFIGS } from './built-ins.js';
import type { PortalConfig, TableConfig, TablePermissionConfig } from './config.js';
import { authenticationSettings } from './defaults.js';
import { defineOwn } from '../util/canonical-json.js';
import type { ColumnModel, PortalModel, TableModel, TablePermissionModel } from './portal-model.js';

/**
 * Compiles a configuration that `validateConfig` accepted into a {@link PortalModel}. It trusts the
 * validation (it does not repeat it) but still refuses, with an Error, the states it cannot represent,
 * so a skipped validation fails loudly instead of granting something by accident.
 */
export function compileModel(config: PortalConfig): PortalModel {
  const anonymous = config.webRoles.find((role) => role.anonymous)?.name;
  const authenticated = config.webRoles.find((role) => role.authenticated)?.name;
  if (anonymous === undefined || authenticated === undefined) {
    throw new Error('The configuration needs one anonymous and one authenticated web role.');
  }
  const permissionsByName = new Map((config.tablePermissions ?? []).map((p) => [p.name, p]));
  const tablePermissions = (config.tablePermissions ?? []).map((permission) =>
    compilePermission(permission, permissionsByName),
  );
  return {
    site: {
      name: config.site.name,
      origins: [...config.site.origins],
      audience: config.site.audience ?? config.site.origins[0] ?? config.site.name,
    },
    authentication: authenticationSettings(config.authentication),
    tables: compileTables(config.tables ?? {}),
    roles: { names: config.webRoles.map((role) => role.name), anonymous, authenticated },
    tablePermissions,
    columnPermissions: (config.columnPermissions ?? []).map((permission) => ({
      table: permission.table,
      column: permission.column,
      read: permission.read ?? [],
      update: permission.update ?? [],
      create: permission.create ?? [],
    })),
    pageRules: (config.pageRules ?? []).map((rule) => ({
      path: normalizePagePath(rule.path),
      right: rule.right,
      roles: rule.roles,
    })),
    websitePermissions: config.websitePermissions ?? [],
  };
}

function compileTables(declared: Readonly<Record<string, TableConfig>>): Record<string, TableModel> {
  const tables: Record<string, TableModel> = {};
  const builtIns = BUILT_IN_TABLE_CONFIGS as Readonly<Record<string, TableConfig>>;
  const names = new Set([...Object.keys(builtIns), ...Object.keys(declared)]);
  for (const name of names) {
    const builtIn = Object.hasOwn(builtIns, name) ? builtIns[name] : undefined;
    const extra = Object.hasOwn(declared, name) ? declared[name] : undefined;
    const columns: Record<string, ColumnModel> = {};
    for (const source of [builtIn, extra]) {
      for (const [column, definition] of Object.entries(source?.columns ?? {})) {
        defineOwn(columns, column, {
          ...definition,
          name: column,
          required: definition.required ?? false,
          searchable: definition.searchable ?? false,
          sortable: definition.sortable ?? false,
        });
      }
    }
    defineOwn(tables, name, {
      name,
      displayName: extra?.displayName ?? builtIn?.displayName ?? name,
      builtIn: builtIn !== undefined,
      columns,
    });
  }
  return tables;
}

function compilePermission(
  permission: TablePermissionConfig,
  byName: ReadonlyMap<string, TablePermissionConfig>,
): TablePermissionModel {
  return {
    name: permission.name,
    table: permission.table,
    scope: permission.scope,
    privileges: [...new Set(permission.privileges)],
    roles: permissionRoles(permission, byName, new Set()),
    grant: scopeGrant(permission, byName, new Set()),
  };
}

/**
 * A permission's roles. A child permission that omits `roles` inherits its parent's; one that lists
 * roles (validation keeps them within the parent's) uses those, and an empty list grants nothing.
 */
function permissionRoles(
  permission: TablePermissionConfig,
  byName: ReadonlyMap<string, TablePermissionConfig>,
  visiting: Set<string>,
): string[] {
  if (permission.roles !== undefined) return [...permission.roles];
  if (permission.scope !== 'parent') return [];
  return permissionRoles(parentOf(permission, byName, visiting), byName, visiting);
}

function scopeGrant(
  permission: TablePermissionConfig,
  byName: ReadonlyMap<string, TablePermissionConfig>,
  visiting: Set<string>,
): ScopeGrant {
  switch (permission.scope) {
    case 'global':
      return { scope: 'global' };
    case 'self':
      return { scope: 'self' };
    case 'contact':
      return { scope: 'contact', column: required(permission, 'contactColumn') };
    case 'account':
      return {
        scope: 'account',
        column: permission.accountColumn ?? (permission.table === 'account' ? 'id' : required(permission, 'accountColumn')),
      };
    case 'parent': {
      const parent = parentOf(permission, byName, visiting);
      return {
        scope: 'parent',
        relationship: required(permission, 'relationship'),
        table: parent.table,
        parent: scopeGrant(parent, byName, visiting),
      };
    }
  }
}

function parentOf(
  permission: TablePermissionConfig,
  byName: ReadonlyMap<string, TablePermissionConfig>,
  visiting: Set<string>,
): TablePermissionConfig {
  const parent = permission.parent === undefined ? undefined : byName.get(permission.parent);
  if (parent === undefined) throw new Error(`Table permission "${permission.name}" has no parent permission.`);
  if (visiting.has(permission.name)) throw new Error(`Table permission "${permission.name}" is in a parent cycle.`);
  visiting.add(permission.name);
  return parent;
}

function required(permission: TablePermissionConfig, field: 'contactColumn' | 'accountColumn' | 'relationship'): string {
  const value = permission[field];
  if (value === undefined) throw new Error(`Table permission "${permission.name}" needs "${field}".`);
  return value;
}
