/**
 * Property tests for the evaluator: random configurations over a small fixed universe of tables and
 * roles, random visitors and random datasets. Each property is a law from DESIGN.md §1 that must hold
 * for *every* configuration, not just the matrix fixture.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildPermissionSetClaims,
  compileModel,
  normalizePagePath,
  resolveRights,
  rightsFromClaims,
} from '@portalkit/core';
import type {
  ColumnPermissionConfig,
  PageRuleConfig,
  PortalConfig,
  Privilege,
  Rights,
  Row,
  RowResolver,
  TablePermissionConfig,
  Visitor,
  WebsitePermissionConfig,
} from '@portalkit/core';
import { ALL_COLUMN_OPS, ALL_PRIVILEGES, ALL_WEBSITE_RIGHTS, SYSTEM_COLUMN_NAMES, SpecOracle } from '../fixtures/matrix.js';

const RUNS = 300;

// ---------------------------------------------------------------------------------------------------
// The universe

const ANON = 'Anon';
const AUTH = 'Auth';
const ASSIGNABLE = ['R1', 'R2', 'R3'] as const;
const ROLES = [ANON, AUTH, ...ASSIGNABLE];
const TABLES = ['contact', 'account', 'ticket', 'task'] as const;
type Table = (typeof TABLES)[number];

const TABLE_CONFIGS: PortalConfig['tables'] = {
  ticket: {
    columns: {
      title: { type: 'string' },
      notes: { type: 'text' },
      customerid: { type: 'lookup', table: 'contact' },
      accountid: { type: 'lookup', table: 'account' },
    },
  },
  task: { columns: { title: { type: 'string' }, ticketid: { type: 'lookup', table: 'ticket' } } },
};

/** Columns a `contact` / `account` scope can use on each table (undefined: the scope does not apply). */
const CONTACT_COLUMN: Partial<Record<Table, string>> = { ticket: 'customerid' };
const ACCOUNT_COLUMN: Partial<Record<Table, string | null>> = { ticket: 'accountid', contact: 'accountid', account: null };
/** The lookup a `parent` scope follows from each table, and the table it leads to. */
const PARENT_LINK: Partial<Record<Table, { relationship: string; table: Table }>> = {
  task: { relationship: 'ticketid', table: 'ticket' },
  ticket: { relationship: 'customerid', table: 'contact' },
  contact: { relationship: 'accountid', table: 'account' },
};

const TABLE_DEPTH: readonly Table[] = ['account', 'contact', 'ticket', 'task'];

const COLUMN_CANDIDATES: ReadonlyArray<[Table, string]> = [
  ['ticket', 'notes'],
  ['ticket', 'title'],
  ['ticket', 'customerid'],
  ['contact', 'email'],
  ['contact', 'accountid'],
  ['account', 'name'],
  ['task', 'title'],
];

const PAGE_PATHS = ['/', '/a', '/a/b', '/a/b/c', '/a/c', '/ab', '/b', '/b/a'];
const SEGMENTS = ['a', 'b', 'c', 'ab'];

// ---------------------------------------------------------------------------------------------------
// Generators

const roleSubset = fc.subarray(ROLES);

interface RawPermission {
  table: Table;
  scope: TablePermissionConfig['scope'];
  privileges: Privilege[];
  roles: string[];
  parentPick: number;
}

const rawPermission: fc.Arbitrary<RawPermission> = fc.record({
  table: fc.constantFrom(...TABLES),
  scope: fc.constantFrom('global', 'contact', 'account', 'self', 'parent', 'parent', 'parent'),
  privileges: fc.subarray([...ALL_PRIVILEGES], { minLength: 1 }),
  roles: roleSubset,
  parentPick: fc.nat(),
});

/** Turns raw draws into a valid permission list: parents come earlier (no cycles), children's roles stay within the parent's. */
function buildPermissions(raws: readonly RawPermission[]): TablePermissionConfig[] {
  const built: TablePermissionConfig[] = [];
  const effectiveRoles = (p: TablePermissionConfig): readonly string[] =>
    p.roles && p.roles.length > 0 ? p.roles : p.scope === 'parent' ? effectiveRoles(built.find((q) => q.name === p.parent)!) : [];
  // Parents before children: account → contact → ticket → task, so chains up to four levels form often.
  const ordered = [...raws].sort((a, b) => TABLE_DEPTH.indexOf(a.table) - TABLE_DEPTH.indexOf(b.table));
  ordered.forEach((raw, index) => {
    const base = { name: `p${index}`, table: raw.table, privileges: raw.privileges };
    const global: TablePermissionConfig = { ...base, scope: 'global', roles: raw.roles };
    switch (raw.scope) {
      case 'global':
        built.push(global);
        break;
      case 'self':
        built.push({ ...base, scope: 'self', roles: raw.roles }); // on a table other than contact it reaches nothing
        break;
      case 'contact': {
        const column = CONTACT_COLUMN[raw.table];
        built.push(column === undefined ? global : { ...base, scope: 'contact', contactColumn: column, roles: raw.roles });
        break;
      }
      case 'account': {
        const column = ACCOUNT_COLUMN[raw.table];
        if (column === undefined) built.push(global);
        else built.push({ ...base, scope: 'account', ...(column === null ? {} : { accountColumn: column }), roles: raw.roles });
        break;
      }
      case 'parent': {
        const link = PARENT_LINK[raw.table];
        const candidates = link ? built.filter((p) => p.table === link.table) : [];
        if (!link || candidates.length === 0) {
          built.push(global);
          break;
        }
        const parent = candidates[raw.parentPick % candidates.length]!;
        const allowed = effectiveRoles(parent);
        const own = raw.roles.filter((role) => allowed.includes(role)); // empty: inherit
        built.push({ ...base, scope: 'parent', parent: parent.name, relationship: link.relationship, roles: own });
        break;
      }
    }
  });
  return built;
}

const columnPermissions: fc.Arbitrary<ColumnPermissionConfig[]> = fc
  .uniqueArray(fc.constantFrom(...COLUMN_CANDIDATES), { maxLength: 4, selector: ([t, c]) => `${t}.${c}` })
  .chain((targets) =>
    fc.tuple(
      ...targets.map(([table, column]) =>
        fc.record(
          { read: roleSubset, update: roleSubset, create: roleSubset },
          { requiredKeys: [] },
        ).map((ops) => ({ table, column, ...ops }) as ColumnPermissionConfig),
      ),
    ),
  );

/** Page rules, at most one per path (two rules on one path are a configuration error). */
const pageRules = (rights: readonly PageRuleConfig['right'][]): fc.Arbitrary<PageRuleConfig[]> =>
  fc.uniqueArray(
    fc.record({ path: fc.constantFrom(...PAGE_PATHS), right: fc.constantFrom(...rights), roles: roleSubset }),
    { maxLength: 5, selector: (rule) => rule.path },
  );

const websitePermissions: fc.Arbitrary<WebsitePermissionConfig[]> = fc.array(
  fc.record({
    roles: roleSubset,
    manageContentSnippets: fc.boolean(),
    manageSiteMarkers: fc.boolean(),
    manageWebLinkSets: fc.boolean(),
    previewUnpublishedContent: fc.boolean(),
  }),
  { maxLength: 3 },
);

const configArb = (pageRights: readonly PageRuleConfig['right'][] = ['restrictRead', 'grantChange']): fc.Arbitrary<PortalConfig> =>
  fc
    .record({
      permissions: fc.array(rawPermission, { maxLength: 10 }),
      columnPermissions,
      pageRules: pageRules(pageRights),
      websitePermissions,
      minutes: fc.integer({ min: 1, max: 60 }),
    })
    .map(({ permissions, columnPermissions, pageRules, websitePermissions, minutes }) => ({
      site: { name: 'Property Portal', origins: ['https://property.example'] },
      authentication: { permissionSetMinutes: minutes },
      tables: structuredClone(TABLE_CONFIGS),
      webRoles: [
        { name: ANON, anonymous: true },
        { name: AUTH, authenticated: true },
        ...ASSIGNABLE.map((name) => ({ name })),
      ],
      tablePermissions: buildPermissions(permissions),
      columnPermissions,
      pageRules,
      websitePermissions,
    }));

/**
 * Visitors: anonymous (no account: an anonymous visitor with a stale account id is a known divergence,
 * pinned by an explicit test in authorization-matrix.test.ts) or a contact with or without an account.
 */
const visitorArb: fc.Arbitrary<Visitor> = fc.oneof(
  fc.record({ roles: fc.subarray([...ROLES, 'Ghost']) }),
  fc.record(
    {
      contactId: fc.constantFrom('c1', 'c2', 'c3'),
      accountId: fc.constantFrom('a1', 'a2'),
      roles: fc.subarray([...ROLES, 'Ghost']),
    },
    { requiredKeys: ['contactId', 'roles'] },
  ),
);

type Dataset = Record<Table, Row[]>;

const datasetArb: fc.Arbitrary<Dataset> = fc
  .record({
    contacts: fc.tuple(...['c1', 'c2', 'c3'].map(() => fc.constantFrom<string | null>('a1', 'a2', null))),
    tickets: fc.array(
      fc.record({
        customerid: fc.constantFrom<string | null>('c1', 'c2', 'c3', 'c-missing', null),
        accountid: fc.constantFrom<string | null>('a1', 'a2', null),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    tasks: fc.array(fc.constantFrom<string | null>('t0', 't1', 't2', 't3', 't-missing', null), { minLength: 1, maxLength: 4 }),
  })
  .map(({ contacts, tickets, tasks }) => ({
    contact: contacts.map((accountid, i) => ({ id: `c${i + 1}`, email: `c${i + 1}@x`, accountid })),
    account: [{ id: 'a1', name: 'A1' }, { id: 'a2', name: 'A2' }],
    ticket: tickets.map((ticket, i) => ({ id: `t${i}`, title: `T${i}`, ...ticket })),
    task: tasks.map((ticketid, i) => ({ id: `k${i}`, title: `K${i}`, ticketid })),
  }));

function resolverOver(data: Dataset): RowResolver {
  return (table, id) => (Object.hasOwn(data, table) ? data[table as Table].find((row) => row['id'] === id) : undefined);
}

/** A permutation of `items` driven by `keys` (stable for equal keys), so fast-check can shrink it. */
function permute<T>(items: readonly T[], keys: readonly number[], offset = 0): T[] {
  return items
    .map((item, i) => ({ item, key: keys[(i + offset) % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map(({ item }) => item);
}

// ---------------------------------------------------------------------------------------------------
// "Everything a visitor may do", as a flat list of yes/no questions

interface Question {
  readonly what: string;
  readonly ask: (rights: Rights) => boolean;
}

function questions(data: Dataset, paths: readonly string[] = PAGE_PATHS): Question[] {
  const resolve = resolverOver(data);
  const list: Question[] = [];
  for (const table of TABLES) {
    for (const privilege of ALL_PRIVILEGES) {
      list.push({ what: `${privilege} ${table}`, ask: (r) => r.can(privilege, table) });
      for (const row of data[table]) {
        list.push({ what: `${privilege} ${table}/${String(row['id'])}`, ask: (r) => r.can(privilege, table, row, resolve) });
      }
    }
    const columns = [...Object.keys(data[table][0] ?? {}), ...SYSTEM_COLUMN_NAMES, 'nickname'];
    for (const operation of ALL_COLUMN_OPS) {
      for (const column of columns) list.push({ what: `${operation} ${table}.${column}`, ask: (r) => r.canColumn(operation, table, column) });
    }
  }
  for (const path of paths) {
    list.push({ what: `read page ${path}`, ask: (r) => r.canReadPage(path) });
    list.push({ what: `change page ${path}`, ask: (r) => r.canChangePage(path) });
  }
  for (const right of ALL_WEBSITE_RIGHTS) list.push({ what: `website ${right}`, ask: (r) => r.canWebsite(right) });
  return list;
}

const claimsOf = (config: PortalConfig, visitor: Visitor, issuedAt = 1_700_000_000, sessionId?: string) =>
  buildPermissionSetClaims(compileModel(config), visitor, { issuer: 'https://property.example/pk', issuedAt, sessionId });

// ===================================================================================================

describe('evaluator properties', () => {
  test('the evaluator agrees with the specification oracle on random configurations and datasets', () => {
    fc.assert(
      fc.property(configArb(), visitorArb, datasetArb, (config, visitor, data) => {
        const rights = resolveRights(compileModel(config), visitor);
        const oracle = new SpecOracle(config, data);
        const resolve = resolverOver(data);
        for (const table of TABLES) {
          for (const privilege of ALL_PRIVILEGES) {
            assert.equal(rights.can(privilege, table), oracle.can(visitor, privilege, table), `${privilege} ${table}`);
            for (const row of data[table]) {
              assert.equal(rights.can(privilege, table, row, resolve), oracle.can(visitor, privilege, table, row), `${privilege} ${table}/${String(row['id'])}`);
            }
          }
          for (const operation of ALL_COLUMN_OPS) {
            for (const column of [...oracle.declaredColumns(table), ...SYSTEM_COLUMN_NAMES]) {
              assert.equal(rights.canColumn(operation, table, column), oracle.canColumn(visitor, operation, table, column), `${operation} ${table}.${column}`);
            }
          }
        }
        for (const path of PAGE_PATHS) assert.deepEqual({ ...rights.page(path) }, oracle.page(visitor, path), path);
        assert.deepEqual({ ...rights.website }, oracle.website(visitor));
      }),
      { numRuns: RUNS },
    );
  });

  test('adding a role never removes a right (rows, tables, columns, pages, website)', () => {
    fc.assert(
      fc.property(configArb(), visitorArb, fc.constantFrom(...ROLES, 'Ghost'), datasetArb, (config, visitor, extra, data) => {
        const model = compileModel(config);
        const before = resolveRights(model, visitor);
        const after = resolveRights(model, { ...visitor, roles: [...(visitor.roles ?? []), extra] });
        for (const { what, ask } of questions(data)) {
          if (ask(before)) assert.equal(ask(after), true, `adding ${extra} removed: ${what}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('a privilege no permission lists is never granted, on any table or row', () => {
    fc.assert(
      fc.property(configArb(), visitorArb, datasetArb, fc.constantFrom(...ALL_PRIVILEGES), (config, visitor, data, missing) => {
        const stripped: PortalConfig = {
          ...config,
          tablePermissions: (config.tablePermissions ?? []).map((p) => ({ ...p, privileges: p.privileges.filter((x) => x !== missing) })),
        };
        const rights = resolveRights(compileModel(stripped), visitor);
        const resolve = resolverOver(data);
        for (const table of [...TABLES, 'unlisted']) {
          assert.equal(rights.can(missing, table), false, `${missing} ${table}`);
          assert.deepEqual(rights.rowFilter(missing, table), { kind: 'none' });
          for (const row of data[table as Table] ?? [{ id: 'x' }]) assert.equal(rights.can(missing, table, row, resolve), false);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('a permission with no role grants nothing (and children of role-less parents inherit nothing)', () => {
    fc.assert(
      fc.property(configArb(), visitorArb, datasetArb, (config, visitor, data) => {
        const roleless: PortalConfig = { ...config, tablePermissions: (config.tablePermissions ?? []).map((p) => ({ ...p, roles: [] })) };
        const rights = resolveRights(compileModel(roleless), visitor);
        for (const table of TABLES) {
          for (const privilege of ALL_PRIVILEGES) {
            assert.equal(rights.can(privilege, table), false, `${privilege} ${table}`);
            for (const row of data[table]) assert.equal(rights.can(privilege, table, row, resolverOver(data)), false);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  describe('page rules along a path', () => {
    const pathArb = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 4 });
    const prefixes = (segments: readonly string[]): string[] =>
      Array.from({ length: segments.length + 1 }, (_, i) => '/' + segments.slice(0, i).join('/'));

    test('with only restrictRead rules, reading a page implies reading every ancestor', () => {
      fc.assert(
        fc.property(configArb(['restrictRead']), visitorArb, pathArb, (config, visitor, segments) => {
          const rights = resolveRights(compileModel(config), visitor);
          const chain = prefixes(segments);
          for (let child = 1; child < chain.length; child++) {
            for (let parent = 0; parent < child; parent++) {
              if (rights.canReadPage(chain[child]!)) assert.equal(rights.canReadPage(chain[parent]!), true, `${chain[child]} but not ${chain[parent]}`);
            }
          }
        }),
        { numRuns: RUNS },
      );
    });

    test('changing a page implies changing (and reading) every descendant', () => {
      fc.assert(
        fc.property(configArb(), visitorArb, pathArb, (config, visitor, segments) => {
          const rights = resolveRights(compileModel(config), visitor);
          const chain = prefixes(segments);
          for (let parent = 0; parent < chain.length; parent++) {
            if (!rights.canChangePage(chain[parent]!)) continue;
            for (let child = parent; child < chain.length; child++) {
              assert.equal(rights.canChangePage(chain[child]!), true, `${chain[parent]} but not ${chain[child]}`);
              assert.equal(rights.canReadPage(chain[child]!), true, `change without read on ${chain[child]}`);
            }
          }
        }),
        { numRuns: RUNS },
      );
    });

    test('equivalent spellings of a path get the same decision', () => {
      const spell = fc.constantFrom(
        (p: string) => p.toUpperCase(),
        (p: string) => p + '/',
        (p: string) => p.replaceAll('/', '//'),
        (p: string) => p.replaceAll('/', '\\'),
        (p: string) => '/./' + p.slice(1),
        (p: string) => '/zz/..' + p,
        (p: string) => p.replace(/[a-z]/, (c) => '%' + c.charCodeAt(0).toString(16)),
        (p: string) => p + '?q=/x#/y',
      );
      fc.assert(
        fc.property(configArb(), visitorArb, pathArb, fc.array(spell, { minLength: 1, maxLength: 3 }), (config, visitor, segments, spellings) => {
          const rights = resolveRights(compileModel(config), visitor);
          const path = '/' + segments.join('/');
          const variant = spellings.reduce((p, f) => f(p), path);
          assert.deepEqual({ ...rights.page(variant) }, { ...rights.page(path) }, `${variant} vs ${path}`);
        }),
        { numRuns: RUNS },
      );
    });

    test('normalizePagePath is idempotent', () => {
      const pathChars = fc.constantFrom('a', 'B', '/', '\\', '.', '%', '2', 'f', 'F', 'e', '5', 'c');
      fc.assert(
        fc.property(fc.array(pathChars, { maxLength: 16 }).map((chars) => '/' + chars.join('')), (path) => {
          const once = normalizePagePath(path);
          assert.equal(normalizePagePath(once), once, `normalize(${JSON.stringify(path)}) = ${JSON.stringify(once)}`);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('permission-set payload', () => {
    test('deterministic: the same inputs give the same bytes', () => {
      fc.assert(
        fc.property(configArb(), visitorArb, (config, visitor) => {
          assert.equal(JSON.stringify(claimsOf(config, visitor)), JSON.stringify(claimsOf(structuredClone(config), structuredClone(visitor))));
        }),
        { numRuns: RUNS },
      );
    });

    test('permuting permissions, roles, page rules and columns gives the same bytes and ver', () => {
      fc.assert(
        fc.property(configArb(), visitorArb, fc.array(fc.integer(), { minLength: 1, maxLength: 24 }), (config, visitor, keys) => {
          const permuted: PortalConfig = {
            ...config,
            webRoles: permute(config.webRoles, keys, 1),
            tablePermissions: permute(config.tablePermissions ?? [], keys, 2).map((p, i) => ({
              ...p,
              privileges: permute(p.privileges, keys, i),
              ...(p.roles ? { roles: permute(p.roles, keys, i + 3) } : {}),
            })),
            columnPermissions: permute(config.columnPermissions ?? [], keys, 3),
            pageRules: permute(config.pageRules ?? [], keys, 4).map((r, i) => ({ ...r, roles: permute(r.roles, keys, i) })),
            websitePermissions: permute(config.websitePermissions ?? [], keys, 5),
            tables: Object.fromEntries(permute(Object.entries(config.tables ?? {}), keys, 6)),
          };
          const shuffledVisitor = { ...visitor, roles: permute(visitor.roles ?? [], keys, 7) };
          const original = claimsOf(config, visitor);
          const reordered = claimsOf(permuted, shuffledVisitor);
          assert.equal(reordered.ver, original.ver);
          assert.equal(JSON.stringify(reordered), JSON.stringify(original));
        }),
        { numRuns: RUNS },
      );
    });

    test('ver ignores iat and sid; exp = iat + permissionSetMinutes × 60; sub/account only when signed in', () => {
      fc.assert(
        fc.property(configArb(), visitorArb, fc.integer({ min: 0, max: 2 ** 31 }), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (config, visitor, iat, sid) => {
          const base = claimsOf(config, visitor);
          const other = claimsOf(config, visitor, iat, sid);
          assert.equal(other.ver, base.ver);
          assert.equal(other.exp, iat + config.authentication!.permissionSetMinutes! * 60);
          assert.equal(other.sid, sid);
          assert.equal(other.sub, visitor.contactId);
          assert.equal(other.account, visitor.contactId ? visitor.accountId : undefined);
        }),
        { numRuns: RUNS },
      );
    });

    test('ver changes iff the rights change (compared on everything a visitor can ask)', () => {
      fc.assert(
        fc.property(configArb(), visitorArb, visitorArb, datasetArb, (config, first, second, data) => {
          const model = compileModel(config);
          const a = buildPermissionSetClaims(model, first, { issuer: 'i', issuedAt: 0 });
          const b = buildPermissionSetClaims(model, second, { issuer: 'i', issuedAt: 0 });
          const sameRights =
            a.sub === b.sub &&
            a.account === b.account &&
            JSON.stringify([a.roles, a.tables, a.columns, a.pages, a.website]) === JSON.stringify([b.roles, b.tables, b.columns, b.pages, b.website]);
          assert.equal(a.ver === b.ver, sameRights);
          if (sameRights) {
            const ra = rightsFromClaims(a);
            const rb = rightsFromClaims(b);
            for (const { what, ask } of questions(data)) assert.equal(ask(ra), ask(rb), what);
          }
        }),
        { numRuns: RUNS },
      );
    });

    test('rightsFromClaims (after a JSON round trip) agrees with resolveRights on random rows', () => {
      fc.assert(
        fc.property(configArb(), visitorArb, datasetArb, (config, visitor, data) => {
          const model = compileModel(config);
          const server = resolveRights(model, visitor);
          const browser = rightsFromClaims(JSON.parse(JSON.stringify(claimsOf(config, visitor))));
          for (const { what, ask } of questions(data)) assert.equal(ask(browser), ask(server), what);
          for (const table of TABLES) {
            for (const privilege of ALL_PRIVILEGES) assert.deepEqual(browser.rowFilter(privilege, table), server.rowFilter(privilege, table));
          }
          assert.deepEqual(browser.roles, server.roles);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
