import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { validateConfig } from '@portalkit/core/config';
import type { ConfigIssue, ConfigValidation } from '@portalkit/core/config';

// Mutations reach anywhere in the document; typing each of them would say nothing the assertions don't.
type Draft = any;

const demoText = readFileSync(new URL('../../examples/contoso/portal.config.json', import.meta.url), 'utf8');
const demo: unknown = JSON.parse(demoText);
/** Where a permission pushed onto the demo configuration's list lands. */
const NEXT_PERMISSION = (demo as { tablePermissions: unknown[] }).tablePermissions.length;

function variant(mutate: (config: Draft) => void): unknown {
  const config: Draft = structuredClone(demo);
  mutate(config);
  return config;
}

/** The demo with a raw key spliced in as JSON text, so `__proto__` becomes a real own property. */
function withRawKey(anchor: string, member: string): unknown {
  const text = JSON.stringify(demo);
  assert.ok(text.includes(anchor), `anchor ${anchor} not found`);
  return JSON.parse(text.replace(anchor, `${anchor}${member},`));
}

type Expected = readonly (readonly [code: string, path: string])[];

function pairs(issues: readonly ConfigIssue[]): string[] {
  return issues.map((issue) => `${issue.code} @ ${issue.path}`).sort();
}

function expectErrors(result: ConfigValidation, expected: Expected): void {
  assert.deepEqual(pairs(result.errors), expected.map(([code, path]) => `${code} @ ${path}`).sort());
  assert.equal(result.valid, expected.length === 0);
  for (const issue of [...result.errors, ...result.warnings]) assertPlainSentence(issue);
}

function expectWarnings(result: ConfigValidation, expected: Expected): void {
  expectErrors(result, []);
  assert.deepEqual(pairs(result.warnings), expected.map(([code, path]) => `${code} @ ${path}`).sort());
  for (const warning of result.warnings) assert.equal(warning.severity, 'warning');
}

function assertPlainSentence(issue: ConfigIssue): void {
  assert.match(issue.message, /^[A-Z"][^\n]*[.?]$/, `not one plain sentence: ${issue.message}`);
  assert.match(issue.code, /^[a-z]+(?:-[a-z]+)*$/);
}

function only(result: ConfigValidation, code: string): ConfigIssue {
  const found = [...result.errors, ...result.warnings].filter((issue) => issue.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(found)}`);
  return found[0]!;
}

interface Case {
  readonly name: string;
  readonly input: () => unknown;
  readonly errors: Expected;
}

function table(cases: readonly Case[]): void {
  for (const { name, input, errors } of cases) {
    test(name, () => expectErrors(validateConfig(input()), errors));
  }
}

// Indexes in the demo configuration the cases below rely on.
const P = {
  publicAnnouncements: 0,
  ownIncidents: 1,
  accountIncidents: 2,
  allIncidents: 3,
  notesOnOwn: 4,
  notesOnAccount: 5,
  attachments: 6,
  ownAccount: 9,
} as const;

describe('the demo configuration', () => {
  test('is valid, without errors or warnings', () => {
    const result = validateConfig(demo);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.valid, true);
  });

  test('is not modified by validation', () => {
    const copy = structuredClone(demo);
    validateConfig(copy);
    assert.deepEqual(copy, demo);
  });

  test('validates the same twice (the compiled schema is reused)', () => {
    const input = variant((c) => (c.tablePermissions[0].scope = 'globl'));
    assert.deepEqual(validateConfig(input), validateConfig(input));
    assert.equal(validateConfig(demo).valid, true);
  });
});

describe('garbage input never throws', () => {
  table([
    { name: 'null', input: () => null, errors: [['wrong-type', '$']] },
    { name: 'an array', input: () => [], errors: [['wrong-type', '$']] },
    { name: 'a number', input: () => 42, errors: [['wrong-type', '$']] },
    { name: 'a string', input: () => 'portal', errors: [['wrong-type', '$']] },
    { name: 'undefined', input: () => undefined, errors: [['wrong-type', '$']] },
    { name: 'an empty object', input: () => ({}), errors: [['missing-property', '$.site'], ['missing-property', '$.webRoles']] },
    {
      name: 'webRoles of the wrong type',
      input: () => ({ webRoles: 5 }),
      errors: [['missing-property', '$.site'], ['wrong-type', '$.webRoles']],
    },
    {
      name: 'every section of the wrong type',
      input: () => ({ site: [], authentication: 1, tables: [], webRoles: {}, tablePermissions: 'x', columnPermissions: null, pageRules: 2, websitePermissions: true }),
      errors: [
        ['wrong-type', '$.site'],
        ['wrong-type', '$.authentication'],
        ['wrong-type', '$.tables'],
        ['wrong-type', '$.webRoles'],
        ['wrong-type', '$.tablePermissions'],
        ['wrong-type', '$.columnPermissions'],
        ['wrong-type', '$.pageRules'],
        ['wrong-type', '$.websitePermissions'],
      ],
    },
    {
      name: 'a table permission full of wrong types, and nothing derived from it',
      input: () =>
        variant((c) => {
          c.tablePermissions[P.ownIncidents] = { name: 5, table: [], scope: {}, privileges: 'read', roles: 'Authenticated Users' };
        }),
      errors: [
        ['wrong-type', '$.tablePermissions[1].name'],
        ['wrong-type', '$.tablePermissions[1].table'],
        ['wrong-type', '$.tablePermissions[1].scope'],
        ['wrong-type', '$.tablePermissions[1].privileges'],
        ['wrong-type', '$.tablePermissions[1].roles'],
      ],
    },
    {
      name: 'a table permission that is not an object',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents] = 'All incidents')),
      errors: [['wrong-type', '$.tablePermissions[3]']],
    },
    {
      name: 'a web role that is not an object (no unknown-role noise from it)',
      input: () => variant((c) => (c.webRoles[2] = 5)),
      errors: [['wrong-type', '$.webRoles[2]']],
    },
    {
      name: 'a web role name of the wrong type',
      input: () => variant((c) => (c.webRoles[3].name = 7)),
      errors: [['wrong-type', '$.webRoles[3].name']],
    },
    {
      name: 'columns of the wrong type (no unknown-column noise from it)',
      input: () => variant((c) => (c.tables.incident.columns = [])),
      errors: [['wrong-type', '$.tables.incident.columns']],
    },
    {
      name: 'a table of the wrong type',
      input: () => variant((c) => (c.tables.note = 5)),
      errors: [['wrong-type', '$.tables.note']],
    },
    {
      name: 'choice options of the wrong type',
      input: () => variant((c) => (c.tables.incident.columns.status.options = 'open')),
      errors: [['wrong-type', '$.tables.incident.columns.status.options']],
    },
    {
      name: 'an integer setting given as a string',
      input: () => variant((c) => (c.authentication.session.idleMinutes = '30')),
      errors: [['wrong-type', '$.authentication.session.idleMinutes']],
    },
    {
      name: 'a boolean right given as a string',
      input: () => variant((c) => (c.websitePermissions[0].manageContentSnippets = 'yes')),
      errors: [['wrong-type', '$.websitePermissions[0].manageContentSnippets']],
    },
    {
      name: 'a number inside a role list',
      input: () => variant((c) => (c.pageRules[0].roles = ['Partner Managers', 3])),
      errors: [['wrong-type', '$.pageRules[0].roles[1]']],
    },
  ]);
});

describe('structural errors', () => {
  table([
    {
      name: 'an unknown top-level property',
      input: () => variant((c) => (c.tabels = {})),
      errors: [['unknown-property', '$.tabels']],
    },
    {
      name: 'a misspelt scope field is unknown, and the real one missing',
      input: () =>
        variant((c) => {
          const permission = c.tablePermissions[P.ownIncidents];
          permission.contactcolumn = permission.contactColumn;
          delete permission.contactColumn;
        }),
      errors: [
        ['unknown-property', '$.tablePermissions[1].contactcolumn'],
        ['missing-property', '$.tablePermissions[1].contactColumn'],
      ],
    },
    {
      name: 'an invalid scope',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].scope = 'globl')),
      errors: [['invalid-value', '$.tablePermissions[3].scope']],
    },
    {
      name: 'a scope of the wrong type is one error, not two',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].scope = 5)),
      errors: [['wrong-type', '$.tablePermissions[3].scope']],
    },
    {
      name: 'an unknown privilege',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].privileges = ['read', 'raed'])),
      errors: [['invalid-value', '$.tablePermissions[3].privileges[1]']],
    },
    {
      name: 'no privilege',
      input: () => variant((c) => (c.tablePermissions[P.publicAnnouncements].privileges = [])),
      errors: [['too-few-items', '$.tablePermissions[0].privileges']],
    },
    {
      name: 'a repeated privilege',
      input: () => variant((c) => c.tablePermissions[P.allIncidents].privileges.push('read')),
      errors: [['duplicate-item', '$.tablePermissions[3].privileges[5]']],
    },
    {
      name: 'a repeated role in a permission',
      input: () => variant((c) => c.tablePermissions[P.allIncidents].roles.push('Support Agents')),
      errors: [['duplicate-item', '$.tablePermissions[3].roles[1]']],
    },
    {
      name: 'a permission without a name',
      input: () => variant((c) => delete c.tablePermissions[P.allIncidents].name),
      errors: [['missing-property', '$.tablePermissions[3].name']],
    },
    {
      name: 'a role name with surrounding spaces',
      input: () => variant((c) => (c.webRoles[3].name = ' Support Agents')),
      errors: [['invalid-format', '$.webRoles[3].name']],
    },
    {
      name: 'lockout attempts below the minimum',
      input: () => variant((c) => (c.authentication.lockout.maxFailedAttempts = 0)),
      errors: [['too-small', '$.authentication.lockout.maxFailedAttempts']],
    },
    {
      name: 'lockout attempts above the maximum',
      input: () => variant((c) => (c.authentication.lockout.maxFailedAttempts = 101)),
      errors: [['too-large', '$.authentication.lockout.maxFailedAttempts']],
    },
    {
      name: 'a fractional lockout duration',
      input: () => variant((c) => (c.authentication.lockout.durationMinutes = 2.5)),
      errors: [['wrong-type', '$.authentication.lockout.durationMinutes']],
    },
    {
      name: 'a password minimum under 8',
      input: () => variant((c) => (c.authentication.password.minLength = 4)),
      errors: [['too-small', '$.authentication.password.minLength']],
    },
    {
      name: 'five required character classes',
      input: () => variant((c) => (c.authentication.password.requiredCharacterClasses = 5)),
      errors: [['too-large', '$.authentication.password.requiredCharacterClasses']],
    },
    {
      name: 'a permission-set lifetime over an hour',
      input: () => variant((c) => (c.authentication.permissionSetMinutes = 61)),
      errors: [['too-large', '$.authentication.permissionSetMinutes']],
    },
    {
      name: 'an unknown registration mode',
      input: () => variant((c) => (c.authentication.local.registration = 'invite')),
      errors: [['invalid-value', '$.authentication.local.registration']],
    },
    {
      name: 'no origin',
      input: () => variant((c) => (c.site.origins = [])),
      errors: [['too-few-items', '$.site.origins']],
    },
    {
      name: 'an empty site name',
      input: () => variant((c) => (c.site.name = '')),
      errors: [['too-short', '$.site.name']],
    },
    {
      name: 'an empty audience',
      input: () => variant((c) => (c.site.audience = '')),
      errors: [['too-short', '$.site.audience']],
    },
    {
      name: 'a repeated origin',
      input: () => variant((c) => c.site.origins.push('http://127.0.0.1:8787')),
      errors: [['duplicate-item', '$.site.origins[2]']],
    },
    {
      name: 'a table name with a space, addressed in bracket form',
      input: () => variant((c) => (c.tables['Bad Table'] = { columns: {} })),
      errors: [['invalid-name', '$.tables["Bad Table"]']],
    },
    {
      name: 'a column name with a capital letter',
      input: () => variant((c) => (c.tables.note.columns.Text = { type: 'text' })),
      errors: [['invalid-name', '$.tables.note.columns.Text']],
    },
    {
      name: 'an unknown column type',
      input: () => variant((c) => (c.tables.incident.columns.priority.type = 'varchar')),
      errors: [['invalid-value', '$.tables.incident.columns.priority.type']],
    },
    {
      name: 'a choice column without options',
      input: () => variant((c) => delete c.tables.incident.columns.status.options),
      errors: [['missing-property', '$.tables.incident.columns.status.options']],
    },
    {
      name: 'a choice column with no option',
      input: () => variant((c) => (c.tables.incident.columns.status.options = [])),
      errors: [['too-few-items', '$.tables.incident.columns.status.options']],
    },
    {
      name: 'a choice column with a repeated option',
      input: () => variant((c) => (c.tables.incident.columns.status.options = ['open', 'closed', 'open'])),
      errors: [['duplicate-item', '$.tables.incident.columns.status.options[2]']],
    },
    {
      name: 'a lookup column without its table',
      input: () => variant((c) => delete c.tables.attachment.columns.noteid.table),
      errors: [['missing-property', '$.tables.attachment.columns.noteid.table']],
    },
    {
      name: 'a table reference that is not a table name reports the format only',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].table = 'Bad Table')),
      errors: [['invalid-format', '$.tablePermissions[3].table']],
    },
    {
      name: 'an oidc provider without issuer',
      input: () => variant((c) => delete c.authentication.providers[0].issuer),
      errors: [['missing-property', '$.authentication.providers[0].issuer']],
    },
    {
      name: 'an entra provider without authority',
      input: () => variant((c) => delete c.authentication.providers[1].authority),
      errors: [['missing-property', '$.authentication.providers[1].authority']],
    },
    {
      name: 'a provider of unknown type',
      input: () => variant((c) => (c.authentication.providers[0].type = 'saml')),
      errors: [['invalid-value', '$.authentication.providers[0].type']],
    },
    {
      name: 'a provider id with capitals and punctuation',
      input: () => variant((c) => (c.authentication.providers[0].id = 'Partners!')),
      errors: [['invalid-format', '$.authentication.providers[0].id']],
    },
    {
      name: 'the "none" algorithm',
      input: () => variant((c) => (c.authentication.providers[0].algorithms = ['RS256', 'none'])),
      errors: [['insecure-algorithm', '$.authentication.providers[0].algorithms[1]']],
    },
    {
      name: 'a symmetric algorithm',
      input: () => variant((c) => (c.authentication.providers[1].algorithms = ['HS256'])),
      errors: [['insecure-algorithm', '$.authentication.providers[1].algorithms[0]']],
    },
    {
      name: 'an unknown algorithm',
      input: () => variant((c) => (c.authentication.providers[0].algorithms = ['RS999'])),
      errors: [['invalid-value', '$.authentication.providers[0].algorithms[0]']],
    },
    {
      name: 'an unknown page right',
      input: () => variant((c) => (c.pageRules[0].right = 'deny')),
      errors: [['invalid-value', '$.pageRules[0].right']],
    },
    {
      name: 'a page rule without roles',
      input: () => variant((c) => delete c.pageRules[1].roles),
      errors: [['missing-property', '$.pageRules[1].roles']],
    },
    {
      name: 'an unknown website right',
      input: () => variant((c) => (c.websitePermissions[0].manageEverything = true)),
      errors: [['unknown-property', '$.websitePermissions[0].manageEverything']],
    },
  ]);

  test('an unknown property suggests the nearest known one', () => {
    const result = validateConfig(variant((c) => (c.tables.incident.columns.status = { type: 'choice', option: ['open'] })));
    expectErrors(result, [
      ['unknown-property', '$.tables.incident.columns.status.option'],
      ['missing-property', '$.tables.incident.columns.status.options'],
    ]);
    assert.equal(
      only(result, 'unknown-property').message,
      'Column "status" of table "incident" has unknown property "option"; did you mean "options"?',
    );
    assert.equal(
      only(result, 'missing-property').message,
      'Column "status" of table "incident" is missing the required property "options", which type "choice" needs.',
    );
  });

  test('an enum message names the value and every allowed one', () => {
    const result = validateConfig(variant((c) => (c.tablePermissions[P.allIncidents].scope = 'globl')));
    assert.equal(
      only(result, 'invalid-value').message,
      'The "scope" of table permission "All incidents" is "globl", but it must be one of: global, contact, account, self, parent.',
    );
  });

  test('a scope-specific required field says which scope needs it', () => {
    const result = validateConfig(variant((c) => delete c.tablePermissions[P.accountIncidents].accountColumn));
    expectErrors(result, [['missing-property', '$.tablePermissions[2].accountColumn']]);
    assert.match(only(result, 'missing-property').message, /which scope "account" needs\.$/);
  });
});

describe('reserved keys', () => {
  table([
    {
      name: '"__proto__" as a table name',
      input: () => withRawKey('"tables":{', '"__proto__":{"columns":{}}'),
      errors: [['reserved-name', '$.tables.__proto__']],
    },
    {
      name: '"constructor" as a table name',
      input: () => withRawKey('"tables":{', '"constructor":{"columns":{}}'),
      errors: [['reserved-name', '$.tables.constructor']],
    },
    {
      name: '"prototype" as a column name',
      input: () => withRawKey('"note":{"displayName":"Note","columns":{', '"prototype":{"type":"text"}'),
      errors: [['reserved-name', '$.tables.note.columns.prototype']],
    },
    {
      name: '"__proto__" as a claim-mapped column',
      input: () => withRawKey('"claimMapping":{', '"__proto__":"sub"'),
      errors: [['reserved-name', '$.authentication.providers[0].claimMapping.__proto__']],
    },
    {
      name: '"__proto__" at the top level',
      input: () => withRawKey('{', '"__proto__":{"polluted":true}'),
      errors: [['unknown-property', '$.__proto__']],
    },
  ]);

  test('validating "__proto__" keys pollutes nothing', () => {
    validateConfig(withRawKey('"tables":{', '"__proto__":{"columns":{"polluted":{"type":"text"}}}'));
    validateConfig(withRawKey('{', '"__proto__":{"polluted":true}'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(({} as Record<string, unknown>)['columns'], undefined);
  });
});

describe('tables and columns', () => {
  table([
    {
      name: 'contact may not redefine a built-in column',
      input: () => variant((c) => (c.tables.contact.columns.email = { type: 'string', maxLength: 500 })),
      errors: [['redefines-built-in-column', '$.tables.contact.columns.email']],
    },
    {
      name: 'account may not redefine a built-in column',
      input: () => variant((c) => (c.tables.account = { columns: { name: { type: 'text' } } })),
      errors: [['redefines-built-in-column', '$.tables.account.columns.name']],
    },
    {
      name: 'account may gain columns',
      input: () => variant((c) => (c.tables.account = { columns: { website: { type: 'string' } } })),
      errors: [],
    },
    {
      name: 'a declared "id" column',
      input: () => variant((c) => (c.tables.incident.columns.id = { type: 'integer' })),
      errors: [['system-column', '$.tables.incident.columns.id']],
    },
    {
      name: 'a declared "createdon" column on contact',
      input: () => variant((c) => (c.tables.contact.columns.createdon = { type: 'datetime' })),
      errors: [['system-column', '$.tables.contact.columns.createdon']],
    },
    {
      name: 'a table name starting with pk_',
      input: () => variant((c) => (c.tables.pk_secrets = { columns: {} })),
      errors: [['reserved-name', '$.tables.pk_secrets']],
    },
    {
      name: 'a table name starting with kysely_ (the migrator\'s tables)',
      input: () => variant((c) => (c.tables.kysely_migration = { columns: {} })),
      errors: [['reserved-name', '$.tables.kysely_migration']],
    },
    {
      name: 'a declared "rowversion" column',
      input: () => variant((c) => (c.tables.incident.columns.rowversion = { type: 'integer' })),
      errors: [['system-column', '$.tables.incident.columns.rowversion']],
    },
    {
      name: 'a table name starting with sqlite_',
      input: () => variant((c) => (c.tables.sqlite_master = { columns: {} })),
      errors: [['reserved-name', '$.tables.sqlite_master']],
    },
    {
      name: 'options on a string column',
      input: () => variant((c) => (c.tables.incident.columns.title.options = ['a'])),
      errors: [['inapplicable-property', '$.tables.incident.columns.title.options']],
    },
    {
      name: 'a table on a non-lookup column',
      input: () => variant((c) => (c.tables.incident.columns.priority.table = 'contact')),
      errors: [['inapplicable-property', '$.tables.incident.columns.priority.table']],
    },
    {
      name: 'maxLength on an integer column',
      input: () => variant((c) => (c.tables.incident.columns.priority.maxLength = 10)),
      errors: [['inapplicable-property', '$.tables.incident.columns.priority.maxLength']],
    },
    {
      name: 'searchable on a boolean column',
      input: () => variant((c) => (c.tables.announcement.columns.published.searchable = true)),
      errors: [['inapplicable-property', '$.tables.announcement.columns.published.searchable']],
    },
    {
      name: 'sortable on a long text column (which cannot be sorted on)',
      input: () => variant((c) => (c.tables.incident.columns.description.sortable = true)),
      errors: [['inapplicable-property', '$.tables.incident.columns.description.sortable']],
    },
    {
      name: 'sortable on a lookup column is fine',
      input: () => variant((c) => (c.tables.incident.columns.customerid.sortable = true)),
      errors: [],
    },
    {
      name: 'searchable on a choice column is fine',
      input: () => variant((c) => (c.tables.incident.columns.status.searchable = true)),
      errors: [],
    },
    {
      name: 'a lookup to an unknown table',
      input: () => variant((c) => (c.tables.note.columns.ownerid = { type: 'lookup', table: 'user' })),
      errors: [['unknown-table', '$.tables.note.columns.ownerid.table']],
    },
  ]);
});

describe('web roles', () => {
  table([
    {
      name: 'a role name repeated with different case',
      input: () => variant((c) => c.webRoles.push({ name: 'partner managers' })),
      errors: [['duplicate-name', '$.webRoles[4].name']],
    },
    {
      name: 'no anonymous role',
      input: () =>
        variant((c) => {
          delete c.webRoles[0].anonymous;
          delete c.tablePermissions[P.publicAnnouncements].allowAnonymousGlobalRead;
        }),
      errors: [['missing-anonymous-role', '$.webRoles']],
    },
    {
      name: 'two anonymous roles',
      input: () => variant((c) => (c.webRoles[2].anonymous = true)),
      errors: [['duplicate-anonymous-role', '$.webRoles[2].anonymous']],
    },
    {
      name: 'no authenticated role',
      input: () => variant((c) => (c.webRoles[1].authenticated = false)),
      errors: [['missing-authenticated-role', '$.webRoles']],
    },
    {
      name: 'two authenticated roles',
      input: () => variant((c) => (c.webRoles[3].authenticated = true)),
      errors: [['duplicate-authenticated-role', '$.webRoles[3].authenticated']],
    },
    {
      name: 'one role both anonymous and authenticated',
      input: () =>
        variant((c) => {
          c.webRoles[0].authenticated = true;
          delete c.webRoles[1].authenticated;
        }),
      errors: [['conflicting-role-flags', '$.webRoles[0]']],
    },
    {
      name: 'no roles at all',
      input: () =>
        variant((c) => {
          c.webRoles = [];
          c.tablePermissions = [];
          c.columnPermissions = [];
          c.pageRules = [];
          c.websitePermissions = [];
        }),
      errors: [['missing-anonymous-role', '$.webRoles'], ['missing-authenticated-role', '$.webRoles']],
    },
  ]);
});

describe('table permissions', () => {
  table([
    {
      name: 'a permission name repeated with different case',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].name = 'own incidents')),
      errors: [['duplicate-name', '$.tablePermissions[3].name']],
    },
    {
      name: 'an unknown table',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].table = 'incidents')),
      errors: [['unknown-table', '$.tablePermissions[3].table']],
    },
    {
      name: 'an unknown role',
      input: () => variant((c) => (c.tablePermissions[P.accountIncidents].roles = ['Partner Manager'])),
      errors: [['unknown-role', '$.tablePermissions[2].roles[0]']],
    },
    {
      name: 'roles are case-sensitive references',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].roles = ['support agents'])),
      errors: [['unknown-role', '$.tablePermissions[3].roles[0]']],
    },
    {
      name: 'contact scope on a lookup to account',
      input: () => variant((c) => (c.tablePermissions[P.ownIncidents].contactColumn = 'accountid')),
      errors: [['invalid-scope-column', '$.tablePermissions[1].contactColumn']],
    },
    {
      name: 'contact scope on a string column',
      input: () => variant((c) => (c.tablePermissions[P.ownIncidents].contactColumn = 'title')),
      errors: [['invalid-scope-column', '$.tablePermissions[1].contactColumn']],
    },
    {
      name: 'contact scope on a system column',
      input: () => variant((c) => (c.tablePermissions[P.ownIncidents].contactColumn = 'id')),
      errors: [['invalid-scope-column', '$.tablePermissions[1].contactColumn']],
    },
    {
      name: 'contact scope on an unknown column',
      input: () => variant((c) => (c.tablePermissions[P.ownIncidents].contactColumn = 'ownerid')),
      errors: [['unknown-column', '$.tablePermissions[1].contactColumn']],
    },
    {
      name: 'account scope on a lookup to contact',
      input: () => variant((c) => (c.tablePermissions[P.accountIncidents].accountColumn = 'customerid')),
      errors: [['invalid-scope-column', '$.tablePermissions[2].accountColumn']],
    },
    {
      name: 'account scope on table account may name a lookup to account',
      input: () => variant((c) => (c.tablePermissions[P.ownAccount].accountColumn = 'parentaccountid')),
      errors: [],
    },
    {
      name: 'self scope outside table contact',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].scope = 'self')),
      errors: [['invalid-scope', '$.tablePermissions[3].scope']],
    },
    {
      name: 'a field that belongs to another scope (contactColumn on global)',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].contactColumn = 'customerid')),
      errors: [['inapplicable-property', '$.tablePermissions[3].contactColumn']],
    },
    {
      name: 'a field that belongs to another scope (parent on contact)',
      input: () => variant((c) => (c.tablePermissions[P.ownIncidents].parent = 'All incidents')),
      errors: [['inapplicable-property', '$.tablePermissions[1].parent']],
    },
    {
      name: 'a field that belongs to another scope (accountColumn on parent)',
      input: () => variant((c) => (c.tablePermissions[P.notesOnOwn].accountColumn = 'accountid')),
      errors: [['inapplicable-property', '$.tablePermissions[4].accountColumn']],
    },
    {
      name: 'parent scope without parent and relationship',
      input: () =>
        variant((c) => {
          delete c.tablePermissions[P.attachments].parent;
          delete c.tablePermissions[P.attachments].relationship;
        }),
      errors: [
        ['missing-property', '$.tablePermissions[6].parent'],
        ['missing-property', '$.tablePermissions[6].relationship'],
      ],
    },
    {
      name: 'an unknown parent',
      input: () => variant((c) => (c.tablePermissions[P.notesOnOwn].parent = 'Own incident')),
      errors: [['unknown-parent', '$.tablePermissions[4].parent']],
    },
    {
      name: 'a relationship that is not a column',
      input: () => variant((c) => (c.tablePermissions[P.notesOnOwn].relationship = 'incident')),
      errors: [['unknown-column', '$.tablePermissions[4].relationship']],
    },
    {
      name: 'a relationship that is not a lookup',
      input: () => variant((c) => (c.tablePermissions[P.notesOnOwn].relationship = 'text')),
      errors: [['invalid-relationship', '$.tablePermissions[4].relationship']],
    },
    {
      name: "a relationship that looks up another table than the parent's",
      input: () =>
        variant((c) => {
          c.tables.note.columns.authorid = { type: 'lookup', table: 'contact' };
          c.tablePermissions[P.notesOnOwn].relationship = 'authorid';
        }),
      errors: [['invalid-relationship', '$.tablePermissions[4].relationship']],
    },
    {
      name: 'a permission that is its own parent',
      input: () =>
        variant((c) => {
          c.tables.note.columns.replytoid = { type: 'lookup', table: 'note' };
          c.tablePermissions.push({ name: 'Loop', table: 'note', scope: 'parent', parent: 'Loop', relationship: 'replytoid', privileges: ['read'] });
        }),
      errors: [['parent-cycle', `$.tablePermissions[${NEXT_PERMISSION}].parent`]],
    },
    {
      name: 'a two-permission cycle is reported once per member, not on what hangs off it',
      input: () =>
        variant((c) => {
          c.tables.note.columns.replytoid = { type: 'lookup', table: 'note' };
          const child = { table: 'note', scope: 'parent', relationship: 'replytoid', privileges: ['read'] };
          c.tablePermissions.push({ ...child, name: 'A', parent: 'B' });
          c.tablePermissions.push({ ...child, name: 'B', parent: 'A' });
          c.tablePermissions.push({ ...child, name: 'C', parent: 'A' });
        }),
      errors: [
        ['parent-cycle', `$.tablePermissions[${NEXT_PERMISSION}].parent`],
        ['parent-cycle', `$.tablePermissions[${NEXT_PERMISSION + 1}].parent`],
      ],
    },
    {
      name: "a child naming a role its parent lacks",
      input: () => variant((c) => (c.tablePermissions[P.attachments].roles = ['Partner Managers'])),
      errors: [['role-not-in-parent', '$.tablePermissions[6].roles[0]']],
    },
    {
      name: 'a child naming one role its inherited-from grandparent lacks',
      input: () => variant((c) => (c.tablePermissions[P.notesOnAccount].roles = ['Partner Managers', 'Support Agents'])),
      errors: [['role-not-in-parent', '$.tablePermissions[5].roles[1]']],
    },
    {
      name: 'a parent naming an unknown role is not compared against (its fix decides)',
      input: () => variant((c) => (c.tablePermissions[P.ownIncidents].roles = ['Partner Manager'])),
      errors: [['unknown-role', '$.tablePermissions[1].roles[0]']],
    },
    {
      name: 'a child narrowing its parent is fine',
      input: () =>
        variant((c) => {
          c.tablePermissions[P.publicAnnouncements].roles = ['Authenticated Users', 'Partner Managers'];
          delete c.tablePermissions[P.publicAnnouncements].allowAnonymousGlobalRead;
          c.tables.comment = { columns: { announcementid: { type: 'lookup', table: 'announcement' } } };
          c.tablePermissions.push({
            name: 'Comments', table: 'comment', scope: 'parent', parent: 'Public announcements',
            relationship: 'announcementid', privileges: ['read'], roles: ['Partner Managers'],
          });
        }),
      errors: [],
    },
  ]);

  test('an unknown role message lists the declared roles', () => {
    const result = validateConfig(variant((c) => (c.tablePermissions[P.accountIncidents].roles = ['Partner Manager'])));
    assert.equal(
      only(result, 'unknown-role').message,
      'Table permission "Account incidents" names unknown role "Partner Manager". Declared roles: Anonymous Users, Authenticated Users, Partner Managers, Support Agents.',
    );
  });

  test('a cycle message lists the cycle from the permission reported', () => {
    const result = validateConfig(
      variant((c) => {
        c.tables.note.columns.replytoid = { type: 'lookup', table: 'note' };
        const child = { table: 'note', scope: 'parent', relationship: 'replytoid', privileges: ['read'] };
        c.tablePermissions.push({ ...child, name: 'A', parent: 'B' }, { ...child, name: 'B', parent: 'A' });
      }),
    );
    const [first, second] = result.errors;
    assert.match(first?.message ?? '', /\("A" → "B" → "A"\)/);
    assert.match(second?.message ?? '', /\("B" → "A" → "B"\)/);
  });
});

describe('anonymous exposure', () => {
  function withComments(extra: Record<string, unknown> = {}): unknown {
    return variant((c) => {
      c.tables.comment = { columns: { announcementid: { type: 'lookup', table: 'announcement' } } };
      c.tablePermissions.push({
        name: 'Comments on announcements', table: 'comment', scope: 'parent', parent: 'Public announcements',
        relationship: 'announcementid', privileges: ['read'], ...extra,
      });
    });
  }

  table([
    {
      name: 'anonymous global read without acknowledgement',
      input: () => variant((c) => delete c.tablePermissions[P.publicAnnouncements].allowAnonymousGlobalRead),
      errors: [['anonymous-global-read', '$.tablePermissions[0].allowAnonymousGlobalRead']],
    },
    {
      name: 'anonymous global write without acknowledgement',
      input: () => variant((c) => c.tablePermissions[P.publicAnnouncements].privileges.push('write')),
      errors: [['anonymous-global-write', '$.tablePermissions[0].allowAnonymousGlobalWrite']],
    },
    {
      name: 'anonymous global appendTo without acknowledgement',
      input: () => variant((c) => c.tablePermissions[P.publicAnnouncements].privileges.push('appendTo')),
      errors: [['anonymous-global-write', '$.tablePermissions[0].allowAnonymousGlobalWrite']],
    },
    {
      name: 'anonymous global write, acknowledged',
      input: () =>
        variant((c) => {
          c.tablePermissions[P.publicAnnouncements].privileges.push('write', 'delete');
          c.tablePermissions[P.publicAnnouncements].allowAnonymousGlobalWrite = true;
        }),
      errors: [],
    },
    {
      name: 'read and write both unacknowledged are two errors',
      input: () =>
        variant((c) => {
          c.tablePermissions[P.allIncidents].roles.push('Anonymous Users');
        }),
      errors: [
        ['anonymous-global-read', '$.tablePermissions[3].allowAnonymousGlobalRead'],
        ['anonymous-global-write', '$.tablePermissions[3].allowAnonymousGlobalWrite'],
      ],
    },
    {
      name: 'a child of a global permission inherits the Anonymous role and needs the acknowledgement',
      input: () => withComments(),
      errors: [['anonymous-global-read', `$.tablePermissions[${NEXT_PERMISSION}].allowAnonymousGlobalRead`]],
    },
    {
      name: 'a child of a global permission, acknowledged',
      input: () => withComments({ allowAnonymousGlobalRead: true }),
      errors: [],
    },
    {
      name: 'a child of a global permission limited to signed-in roles needs none',
      input: () => withComments({ roles: ['Authenticated Users'] }),
      errors: [],
    },
  ]);

  test('anonymous create on a global permission needs no acknowledgement', () => {
    const result = validateConfig(
      variant((c) => {
        c.tablePermissions.push({ name: 'Contact form', table: 'note', scope: 'global', privileges: ['create'], roles: ['Anonymous Users'] });
      }),
    );
    expectWarnings(result, []);
  });

  test('the message names the ancestor that makes a child global', () => {
    const result = validateConfig(withComments());
    assert.equal(
      only(result, 'anonymous-global-read').message,
      'Table permission "Comments on announcements" lets the Anonymous role "Anonymous Users" read every "comment" row related to any row of "announcement" (its ancestor "Public announcements" has global scope); set "allowAnonymousGlobalRead": true on it if that is really intended.',
    );
  });
});

describe('warnings', () => {
  const cases: readonly { name: string; input: () => unknown; warnings: Expected }[] = [
    {
      name: 'a permission with an empty roles list grants nothing',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].roles = [])),
      warnings: [['grants-nothing', '$.tablePermissions[3].roles']],
    },
    {
      name: 'a permission without roles grants nothing',
      input: () => variant((c) => delete c.tablePermissions[P.allIncidents].roles),
      warnings: [['grants-nothing', '$.tablePermissions[3].roles']],
    },
    {
      name: 'a read acknowledgement nobody needs',
      input: () => variant((c) => (c.tablePermissions[P.allIncidents].allowAnonymousGlobalRead = true)),
      warnings: [['unneeded-acknowledgement', '$.tablePermissions[3].allowAnonymousGlobalRead']],
    },
    {
      name: 'a write acknowledgement on a read-only anonymous permission',
      input: () => variant((c) => (c.tablePermissions[P.publicAnnouncements].allowAnonymousGlobalWrite = true)),
      warnings: [['unneeded-acknowledgement', '$.tablePermissions[0].allowAnonymousGlobalWrite']],
    },
    {
      name: 'an acknowledgement on a contact-scoped permission',
      input: () => variant((c) => (c.tablePermissions[P.ownIncidents].allowAnonymousGlobalRead = true)),
      warnings: [['unneeded-acknowledgement', '$.tablePermissions[1].allowAnonymousGlobalRead']],
    },
    {
      name: 'a website permission with no right',
      input: () => variant((c) => (c.websitePermissions[0].manageContentSnippets = false)),
      warnings: [['grants-nothing', '$.websitePermissions[0]']],
    },
    {
      name: 'an http origin outside loopback',
      input: () => variant((c) => c.site.origins.push('http://portal.example.com')),
      warnings: [['insecure-origin', '$.site.origins[2]']],
    },
  ];
  for (const { name, input, warnings } of cases) {
    test(name, () => expectWarnings(validateConfig(input()), warnings));
  }
});

describe('column permissions', () => {
  table([
    {
      name: 'an unknown table',
      input: () => variant((c) => c.columnPermissions.push({ table: 'ticket', column: 'title', read: [] })),
      errors: [['unknown-table', '$.columnPermissions[2].table']],
    },
    {
      name: 'an unknown column',
      input: () => variant((c) => (c.columnPermissions[1].column = 'internalnote')),
      errors: [['unknown-column', '$.columnPermissions[1].column']],
    },
    {
      name: 'a system column',
      input: () => variant((c) => (c.columnPermissions[1].column = 'createdon')),
      errors: [['system-column', '$.columnPermissions[1].column']],
    },
    {
      name: 'a built-in column of contact is fine',
      input: () => variant((c) => c.columnPermissions.push({ table: 'contact', column: 'email', read: ['Support Agents'] })),
      errors: [],
    },
    {
      name: 'an unknown role in one operation',
      input: () => variant((c) => (c.columnPermissions[0].update = ['Support Agents', 'Admins'])),
      errors: [['unknown-role', '$.columnPermissions[0].update[1]']],
    },
    {
      name: 'two entries for the same column',
      input: () => variant((c) => c.columnPermissions.push({ table: 'incident', column: 'internalnotes', read: ['Partner Managers'] })),
      errors: [['duplicate-column-permission', '$.columnPermissions[2].column']],
    },
  ]);
});

describe('page rules', () => {
  table([
    {
      name: 'a path without a leading slash',
      input: () => variant((c) => (c.pageRules[0].path = 'partners')),
      errors: [['invalid-path', '$.pageRules[0].path']],
    },
    {
      name: 'a path with a ".." segment',
      input: () => variant((c) => (c.pageRules[0].path = '/partners/../admin')),
      errors: [['invalid-path', '$.pageRules[0].path']],
    },
    {
      name: 'a path with a percent-encoded ".." segment',
      input: () => variant((c) => (c.pageRules[0].path = '/partners/%2e%2e/admin')),
      errors: [['invalid-path', '$.pageRules[0].path']],
    },
    {
      name: 'a path with a "." segment',
      input: () => variant((c) => (c.pageRules[0].path = '/./partners')),
      errors: [['invalid-path', '$.pageRules[0].path']],
    },
    {
      name: 'a path with a query',
      input: () => variant((c) => (c.pageRules[0].path = '/partners?x=1')),
      errors: [['invalid-path', '$.pageRules[0].path']],
    },
    {
      name: 'a path with a fragment',
      input: () => variant((c) => (c.pageRules[0].path = '/partners#top')),
      errors: [['invalid-path', '$.pageRules[0].path']],
    },
    {
      name: 'a path with an empty segment',
      input: () => variant((c) => (c.pageRules[0].path = '/partners//news')),
      errors: [['invalid-path', '$.pageRules[0].path']],
    },
    {
      name: 'an unknown role',
      input: () => variant((c) => (c.pageRules[1].roles = ['Everyone'])),
      errors: [['unknown-role', '$.pageRules[1].roles[0]']],
    },
    {
      name: 'two rules with the same right on one path, differing in case and trailing slash',
      input: () => variant((c) => c.pageRules.push({ path: '/Partners/', right: 'restrictRead', roles: ['Support Agents'] })),
      errors: [['conflicting-page-rules', '$.pageRules[4].path']],
    },
    {
      name: 'two rules with different rights on one path are fine',
      input: () => variant((c) => c.pageRules.push({ path: '/partners', right: 'grantChange', roles: ['Support Agents'] })),
      errors: [],
    },
    {
      name: 'the root path and a trailing slash are fine',
      input: () => variant((c) => c.pageRules.push({ path: '/', right: 'grantChange', roles: ['Support Agents'] }, { path: '/docs/', right: 'restrictRead', roles: ['Authenticated Users'] })),
      errors: [],
    },
  ]);
});

describe('website permissions', () => {
  table([
    {
      name: 'an unknown role',
      input: () => variant((c) => (c.websitePermissions[1].roles = ['Support Agent'])),
      errors: [['unknown-role', '$.websitePermissions[1].roles[0]']],
    },
  ]);
});

describe('providers', () => {
  table([
    {
      name: 'a repeated provider id',
      input: () => variant((c) => (c.authentication.providers[1].id = 'partners')),
      errors: [['duplicate-id', '$.authentication.providers[1].id']],
    },
    {
      name: 'an http issuer',
      input: () => variant((c) => (c.authentication.providers[0].issuer = 'http://idp.example.com')),
      errors: [['insecure-url', '$.authentication.providers[0].issuer']],
    },
    {
      name: 'an http issuer on 127.0.0.1 (tests)',
      input: () => variant((c) => (c.authentication.providers[0].issuer = 'http://127.0.0.1:9000')),
      errors: [],
    },
    {
      name: 'an http issuer on [::1] and an http authority on localhost (tests)',
      input: () =>
        variant((c) => {
          c.authentication.providers[0].issuer = 'http://[::1]:9000/oidc';
          c.authentication.providers[1].authority = 'http://localhost:9001/tenant/v2.0';
        }),
      errors: [],
    },
    {
      name: 'an issuer that is not an absolute URL',
      input: () => variant((c) => (c.authentication.providers[0].issuer = 'idp.example.com')),
      errors: [['invalid-url', '$.authentication.providers[0].issuer']],
    },
    {
      name: 'an issuer with another scheme',
      input: () => variant((c) => (c.authentication.providers[0].issuer = 'ftp://idp.example.com')),
      errors: [['invalid-url', '$.authentication.providers[0].issuer']],
    },
    {
      name: 'an http authority',
      input: () => variant((c) => (c.authentication.providers[1].authority = 'http://login.microsoftonline.com/TENANT/v2.0')),
      errors: [['insecure-url', '$.authentication.providers[1].authority']],
    },
    {
      name: 'an authority on an oidc provider',
      input: () => variant((c) => (c.authentication.providers[0].authority = 'https://login.example.com')),
      errors: [['inapplicable-property', '$.authentication.providers[0].authority']],
    },
    {
      name: 'a claim mapped to a system column',
      input: () => variant((c) => (c.authentication.providers[0].claimMapping.id = 'sub')),
      errors: [['system-column', '$.authentication.providers[0].claimMapping.id']],
    },
    {
      name: 'a claim mapped to the account',
      input: () => variant((c) => (c.authentication.providers[0].claimMapping.accountid = 'org')),
      errors: [['protected-column', '$.authentication.providers[0].claimMapping.accountid']],
    },
    {
      name: 'a claim mapped to an unknown column',
      input: () => variant((c) => (c.authentication.providers[0].claimMapping.nickname = 'nickname')),
      errors: [['unknown-column', '$.authentication.providers[0].claimMapping.nickname']],
    },
    {
      name: 'a claim mapped to a declared profile column is fine',
      input: () => variant((c) => (c.authentication.providers[0].claimMapping.jobtitle = 'job_title')),
      errors: [],
    },
  ]);
});

describe('site and limits', () => {
  table([
    {
      name: 'an origin with a trailing slash',
      input: () => variant((c) => (c.site.origins[0] = 'https://portal.example.com/')),
      errors: [['invalid-origin', '$.site.origins[0]']],
    },
    {
      name: 'an origin with a path',
      input: () => variant((c) => (c.site.origins[1] = 'https://portal.example.com/app')),
      errors: [['invalid-origin', '$.site.origins[1]']],
    },
    {
      name: 'an origin that is not a URL',
      input: () => variant((c) => (c.site.origins[0] = 'portal.example.com')),
      errors: [['invalid-origin', '$.site.origins[0]']],
    },
    {
      name: 'an origin with another scheme',
      input: () => variant((c) => (c.site.origins[0] = 'ftp://portal.example.com')),
      errors: [['invalid-origin', '$.site.origins[0]']],
    },
    {
      name: 'an idle timeout longer than the absolute lifetime',
      input: () => variant((c) => (c.authentication.session = { idleMinutes: 600, absoluteHours: 8 })),
      errors: [['session-limits', '$.authentication.session.idleMinutes']],
    },
    {
      name: 'an idle timeout longer than the default absolute lifetime',
      input: () => variant((c) => (c.authentication.session = { idleMinutes: 1000 })),
      errors: [['session-limits', '$.authentication.session.idleMinutes']],
    },
    {
      name: 'an idle timeout equal to the absolute lifetime is fine',
      input: () => variant((c) => (c.authentication.session = { idleMinutes: 60, absoluteHours: 1 })),
      errors: [],
    },
    {
      name: 'an out-of-range absolute lifetime is not compared',
      input: () => variant((c) => (c.authentication.session = { idleMinutes: 600, absoluteHours: 0 })),
      errors: [['too-small', '$.authentication.session.absoluteHours']],
    },
    {
      name: 'a password maximum below the minimum',
      input: () => variant((c) => (c.authentication.password.maxLength = 10)),
      errors: [['password-length', '$.authentication.password.maxLength']],
    },
  ]);

  test('the origin message says how to write it', () => {
    const result = validateConfig(variant((c) => (c.site.origins[0] = 'https://Portal.example.com:443/')));
    assert.match(only(result, 'invalid-origin').message, /write it as "https:\/\/portal\.example\.com"/);
  });
});

describe('every error is reported', () => {
  test('structural and semantic errors across the document, all at once', () => {
    const result = validateConfig(
      variant((c) => {
        c.site.origins[0] = 'https://portal.example.com/';
        c.authentication.lockout.maxFailedAttempts = 0;
        c.authentication.providers[0].algorithms = ['HS256', 'none'];
        c.tables.incident.columns.id = { type: 'integer' };
        c.webRoles.push({ name: 'SUPPORT AGENTS' });
        c.tablePermissions[P.ownIncidents].contactColumn = 'accountid';
        c.tablePermissions[P.accountIncidents].roles = ['Partner Manager'];
        c.tablePermissions[P.allIncidents].scope = 'everything';
        c.tablePermissions[P.attachments].roles = ['Support Agents'];
        delete c.tablePermissions[P.publicAnnouncements].allowAnonymousGlobalRead;
        c.columnPermissions[0].column = 'modifiedon';
        c.pageRules[0].path = '/partners/';
        c.pageRules[3].path = '/partners/./news';
        c.websitePermissions[0].roles = ['Nobody'];
      }),
    );
    expectErrors(result, [
      ['invalid-origin', '$.site.origins[0]'],
      ['too-small', '$.authentication.lockout.maxFailedAttempts'],
      ['insecure-algorithm', '$.authentication.providers[0].algorithms[0]'],
      ['insecure-algorithm', '$.authentication.providers[0].algorithms[1]'],
      ['system-column', '$.tables.incident.columns.id'],
      ['duplicate-name', '$.webRoles[4].name'],
      ['invalid-scope-column', '$.tablePermissions[1].contactColumn'],
      ['unknown-role', '$.tablePermissions[2].roles[0]'],
      ['invalid-value', '$.tablePermissions[3].scope'],
      ['role-not-in-parent', '$.tablePermissions[6].roles[0]'],
      ['anonymous-global-read', '$.tablePermissions[0].allowAnonymousGlobalRead'],
      ['system-column', '$.columnPermissions[0].column'],
      ['invalid-path', '$.pageRules[3].path'],
      ['unknown-role', '$.websitePermissions[0].roles[0]'],
    ]);
  });

  test('errors and warnings are reported together', () => {
    const result = validateConfig(
      variant((c) => {
        c.tablePermissions[P.allIncidents].roles = [];
        c.tablePermissions[P.ownIncidents].table = 'ticket';
      }),
    );
    expectErrors(result, [['unknown-table', '$.tablePermissions[1].table']]);
    assert.deepEqual(pairs(result.warnings), ['grants-nothing @ $.tablePermissions[3].roles']);
  });
});

describe('robustness', () => {
  /** Every path into the demo, so random values can be put anywhere in an otherwise valid document. */
  function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    const here = [prefix];
    if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
    if (typeof value === 'object' && value !== null) {
      return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
    }
    return here;
  }
  const paths = pathsOf(demo).filter((path) => path.length > 0);

  function replaced(path: readonly (string | number)[], value: unknown): unknown {
    const config: Draft = structuredClone(demo);
    let target = config;
    for (const segment of path.slice(0, -1)) target = target[segment];
    target[path.at(-1)!] = value;
    return config;
  }

  function assertWellFormed(result: ConfigValidation): void {
    assert.equal(result.valid, result.errors.length === 0);
    for (const issue of result.errors) assert.equal(issue.severity, 'error');
    for (const issue of result.warnings) assert.equal(issue.severity, 'warning');
    for (const issue of [...result.errors, ...result.warnings]) {
      assert.match(issue.path, /^\$/);
      assertPlainSentence(issue);
    }
  }

  test('any JSON value is answered, never thrown on', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => assertWellFormed(validateConfig(value))), { numRuns: 300 });
  });

  test('any JSON value anywhere in the demo is answered, never thrown on', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        const result = validateConfig(replaced(path, value));
        assertWellFormed(result);
      }),
      { numRuns: 1500 },
    );
  });

  test('a reserved or odd key anywhere in the demo is answered', () => {
    const objectPaths = paths.filter((path) => {
      let value: Draft = demo;
      for (const segment of path) value = value[segment];
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...objectPaths),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'hasOwnProperty', 'a b'),
        fc.jsonValue({ maxDepth: 2 }),
        (path, key, value) => {
          const config: Draft = structuredClone(demo);
          let target = config;
          for (const segment of path) target = target[segment];
          // defineProperty, because assigning `__proto__` would set the prototype instead of adding a key.
          Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
          const result = validateConfig(JSON.parse(JSON.stringify(config)));
          assertWellFormed(result);
          assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
        },
      ),
      { numRuns: 500 },
    );
  });
});
