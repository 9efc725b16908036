/**
 * The authorization matrix: every scope × every privilege × every principal × every row of the
 * fixture, checked against the specification oracle (test/fixtures/matrix.ts) and against literal
 * expectation tables written from DESIGN.md §1. The evaluator's own output is never used as the
 * expectation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildPermissionSetClaims,
  compileModel,
  normalizePagePath,
  pathCovers,
  resolveRights,
  resolveRightsDocument,
  rightsFromClaims,
} from '@portalkit/core';
import type { PageRuleConfig, PortalConfig, PortalModel, Privilege, Row, RowPredicate, Visitor, WebsiteRight } from '@portalkit/core';
import {
  ACCOUNT,
  ALL_COLUMN_OPS,
  ALL_PRIVILEGES,
  ALL_WEBSITE_RIGHTS,
  CONTACT,
  DATA,
  FINANCE_SPELLINGS,
  ISSUED_AT,
  ISSUER,
  PAGE_PATHS,
  PRINCIPALS,
  ROLE,
  SYSTEM_COLUMN_NAMES,
  SpecOracle,
  TABLES,
  UNDECLARED_ROLE,
  allRows,
  buildMatrixModel,
  describeRow,
  matrixConfig,
  oracle,
  oraclePath,
  resolveRow,
  rowOf,
} from '../fixtures/matrix.js';

const model = buildMatrixModel();
const rightsOf = (visitor: Visitor) => resolveRights(model, visitor);

// ---------------------------------------------------------------------------------------------------
// Visitors used by the literal tables

const anonymous: Visitor = {};
const contactA = (...roles: string[]): Visitor => ({ contactId: CONTACT.A, accountId: ACCOUNT.X, roles });
const contactB = (...roles: string[]): Visitor => ({ contactId: CONTACT.B, accountId: ACCOUNT.X, roles });
const contactC = (...roles: string[]): Visitor => ({ contactId: CONTACT.C, accountId: ACCOUNT.Y, roles });
const contactD = (...roles: string[]): Visitor => ({ contactId: CONTACT.D, roles });
const who = (visitor: Visitor): string =>
  visitor.contactId ? `${visitor.contactId}[${(visitor.roles ?? []).join(', ')}]` : 'anonymous';

/** Collects "expected X, got Y" lines so one failing assertion lists every disagreement in a test. */
class Mismatches {
  readonly lines: string[] = [];
  check(what: string, actual: unknown, expected: unknown): void {
    if (!isDeepStrictEqual(actual, expected)) {
      this.lines.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  }
  assertNone(): void {
    if (this.lines.length === 0) return;
    const shown = this.lines.slice(0, 12);
    const more = this.lines.length > shown.length ? `\n  … and ${this.lines.length - shown.length} more` : '';
    assert.fail(`${this.lines.length} disagreement(s) with the specification:\n  ${shown.join('\n  ')}${more}`);
  }
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** A predicate with `any` members in a fixed order, so shapes compare regardless of member order. */
function canonicalPredicate(predicate: RowPredicate): unknown {
  switch (predicate.kind) {
    case 'any':
      return {
        kind: 'any',
        of: predicate.of.map(canonicalPredicate).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      };
    case 'related':
      return { ...predicate, where: canonicalPredicate(predicate.where) };
    default:
      return { ...predicate };
  }
}

// ===================================================================================================

describe('effective roles', () => {
  const cases: ReadonlyArray<[string, Visitor, string[]]> = [
    ['anonymous: the Anonymous role alone', anonymous, [ROLE.anonymous]],
    ['anonymous with assigned roles: still the Anonymous role alone', { roles: [ROLE.globalReaders] }, [ROLE.anonymous]],
    ['anonymous with only an account id: still anonymous', { accountId: ACCOUNT.X }, [ROLE.anonymous]],
    ['empty contact id counts as anonymous', { contactId: '', roles: [ROLE.globalReaders] }, [ROLE.anonymous]],
    ['signed in, nothing assigned: the Authenticated role', contactA(), [ROLE.authenticated]],
    ['signed in with a role', contactA(ROLE.contactOwners), [ROLE.authenticated, ROLE.contactOwners]],
    ['an assigned Anonymous role is ignored', contactA(ROLE.anonymous), [ROLE.authenticated]],
    ['an undeclared role is ignored', contactA(UNDECLARED_ROLE), [ROLE.authenticated]],
    ['duplicates collapse', contactA(ROLE.selfEditors, ROLE.selfEditors, ROLE.authenticated), [ROLE.authenticated, ROLE.selfEditors]],
    ['hostile role names are ignored', contactA('__proto__', 'constructor', 'toString'), [ROLE.authenticated]],
  ];
  for (const [name, visitor, expected] of cases) {
    test(name, () => {
      assert.deepEqual([...rightsOf(visitor).roles].sort(), [...expected].sort());
      assert.deepEqual([...oracle.roles(visitor)].sort(), [...expected].sort(), 'oracle self-check');
    });
  }

  test('hasRole / hasAnyRole reflect the effective roles only', () => {
    const rights = rightsOf(contactA(ROLE.anonymous, ROLE.contactOwners));
    assert.equal(rights.hasRole(ROLE.contactOwners), true);
    assert.equal(rights.hasRole(ROLE.authenticated), true);
    assert.equal(rights.hasRole(ROLE.anonymous), false);
    assert.equal(rights.hasAnyRole([UNDECLARED_ROLE, ROLE.anonymous]), false);
    assert.equal(rights.hasAnyRole([UNDECLARED_ROLE, ROLE.contactOwners]), true);
  });

  test('every principal of the matrix: evaluator roles = oracle roles', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) {
      mismatches.check(label, [...rightsOf(visitor).roles].sort(), [...oracle.roles(visitor)].sort());
    }
    mismatches.assertNone();
  });
});

// ===================================================================================================

describe('table privileges: literal expectations from the spec', () => {
  // [who, privilege, table, row id (undefined: "on some row"/table level), expected]
  type Case = [Visitor, Privilege, string, string | undefined, boolean];
  const cases: Case[] = [
    // Anonymous role
    [anonymous, 'read', 'announcement', 'announcement-1', true],
    [anonymous, 'create', 'ticket', undefined, true],
    [anonymous, 'read', 'ticket', 'ticket-a', false],
    [anonymous, 'read', 'ticket', undefined, false],
    [{ roles: [ROLE.globalReaders] }, 'read', 'ticket', 'ticket-a', false],
    // Authenticated role
    [contactA(), 'read', 'announcement', 'announcement-1', true],
    [contactA(), 'append', 'announcement', 'announcement-1', true],
    [contactA(), 'create', 'ticket', undefined, false], // the Anonymous role's create does not carry over
    [contactA(ROLE.anonymous), 'create', 'ticket', undefined, false], // nor when assigned
    [contactA(UNDECLARED_ROLE), 'read', 'ticket', 'ticket-a', false],
    // global
    [contactA(ROLE.globalReaders), 'read', 'ticket', 'ticket-c', true],
    [contactA(ROLE.globalReaders), 'read', 'ticket', 'ticket-unowned', true],
    [contactA(ROLE.globalReaders), 'append', 'ticket', 'ticket-unowned', true],
    [contactA(ROLE.globalReaders), 'write', 'ticket', 'ticket-a', false],
    [contactA(ROLE.globalReaders), 'delete', 'ticket', 'ticket-a', false], // "Roleless deletion" has no role
    // contact
    [contactA(ROLE.contactOwners), 'read', 'ticket', 'ticket-a', true],
    [contactA(ROLE.contactOwners), 'read', 'ticket', 'ticket-b', false],
    [contactA(ROLE.contactOwners), 'read', 'ticket', 'ticket-unowned', false],
    [contactA(ROLE.contactOwners), 'write', 'ticket', 'ticket-a', true],
    [contactA(ROLE.contactOwners), 'delete', 'ticket', 'ticket-a', true],
    [contactA(ROLE.contactOwners), 'appendTo', 'ticket', 'ticket-a', true],
    [contactA(ROLE.contactOwners), 'append', 'ticket', 'ticket-a', false],
    [contactA(ROLE.contactOwners), 'create', 'ticket', undefined, false],
    [contactA(ROLE.contactOwners), 'create', 'ticket', 'ticket-a', false],
    [contactB(ROLE.contactOwners), 'read', 'ticket', 'ticket-a', false],
    [contactB(ROLE.contactOwners), 'read', 'ticket', 'ticket-b', true],
    // account
    [contactB(ROLE.accountMembers), 'read', 'ticket', 'ticket-a', true],
    [contactB(ROLE.accountMembers), 'read', 'ticket', 'ticket-c', false],
    [contactB(ROLE.accountMembers), 'append', 'ticket', 'ticket-b', true],
    [contactB(ROLE.accountMembers), 'write', 'ticket', 'ticket-b', false],
    [contactB(ROLE.accountMembers), 'create', 'ticket', undefined, true],
    [contactB(ROLE.accountMembers), 'create', 'ticket', 'ticket-c', true], // a row does not change create
    [contactC(ROLE.accountMembers), 'read', 'ticket', 'ticket-a', false],
    [contactC(ROLE.accountMembers), 'read', 'ticket', 'ticket-c', true],
    [contactD(ROLE.accountMembers), 'read', 'ticket', 'ticket-a', false], // no account: nothing
    [contactD(ROLE.accountMembers), 'read', 'ticket', 'ticket-unowned', false], // null never equals a missing account
    [contactD(ROLE.accountMembers), 'read', 'ticket', undefined, false],
    // account scope on the account table itself (column `id`)
    [contactA(ROLE.accountViewers), 'read', 'account', ACCOUNT.X, true],
    [contactA(ROLE.accountViewers), 'read', 'account', ACCOUNT.Y, false],
    [contactA(ROLE.accountViewers), 'appendTo', 'account', ACCOUNT.X, true],
    [contactC(ROLE.accountViewers), 'read', 'account', ACCOUNT.Y, true],
    [contactD(ROLE.accountViewers), 'read', 'account', ACCOUNT.X, false],
    // self
    [contactA(ROLE.selfEditors), 'read', 'contact', CONTACT.A, true],
    [contactA(ROLE.selfEditors), 'write', 'contact', CONTACT.A, true],
    [contactA(ROLE.selfEditors), 'read', 'contact', CONTACT.B, false],
    [contactA(ROLE.selfEditors), 'delete', 'contact', CONTACT.A, false],
    [contactA(), 'read', 'contact', CONTACT.A, false], // no self permission without the role
    // parent of a self permission (child naming its own role)
    [contactA(ROLE.selfEditors), 'read', 'ticket', 'ticket-a', true],
    [contactA(ROLE.selfEditors), 'read', 'ticket', 'ticket-b', false],
    [contactA(ROLE.selfEditors), 'write', 'ticket', 'ticket-a', false],
    // three-level parent chain: project (account) → task → comment, roles inherited
    [contactA(ROLE.projectMembers), 'read', 'project', 'project-x', true],
    [contactA(ROLE.projectMembers), 'read', 'project', 'project-y', false],
    [contactA(ROLE.projectMembers), 'read', 'task', 'task-x', true],
    [contactA(ROLE.projectMembers), 'read', 'task', 'task-y', false],
    [contactA(ROLE.projectMembers), 'read', 'task', 'task-orphan', false],
    [contactA(ROLE.projectMembers), 'write', 'task', 'task-x', false],
    [contactA(ROLE.projectMembers), 'create', 'task', undefined, true],
    [contactA(ROLE.projectMembers), 'read', 'comment', 'comment-x', true],
    [contactA(ROLE.projectMembers), 'write', 'comment', 'comment-x', true],
    [contactA(ROLE.projectMembers), 'delete', 'comment', 'comment-x', true],
    [contactA(ROLE.projectMembers), 'read', 'comment', 'comment-y', false],
    [contactA(ROLE.projectMembers), 'read', 'comment', 'comment-orphan', false],
    [contactA(ROLE.projectMembers), 'append', 'comment', 'comment-x', false],
    [contactB(ROLE.projectMembers), 'read', 'comment', 'comment-x', true], // same account as A
    [contactC(ROLE.projectMembers), 'read', 'comment', 'comment-x', false],
    [contactC(ROLE.projectMembers), 'read', 'comment', 'comment-y', true],
    [contactD(ROLE.projectMembers), 'read', 'comment', 'comment-x', false],
    [contactD(ROLE.projectMembers), 'create', 'comment', undefined, false],
    [contactA(), 'read', 'comment', 'comment-x', false],
    [{ roles: [ROLE.projectMembers] }, 'read', 'comment', 'comment-x', false],
    // two roles add up
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 'read', 'ticket', 'ticket-b', true],
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 'write', 'ticket', 'ticket-b', false],
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 'write', 'ticket', 'ticket-a', true],
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 'append', 'ticket', 'ticket-a', true],
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 'read', 'ticket', 'ticket-c', false],
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 'create', 'ticket', undefined, true],
    // a table no permission names
    [contactA(ROLE.globalReaders, ROLE.accountMembers), 'read', 'unknown_table', undefined, false],
  ];
  for (const [visitor, privilege, table, id, expected] of cases) {
    const row = id === undefined ? undefined : rowOf(table, id);
    test(`${who(visitor)} ${expected ? 'may' : 'may not'} ${privilege} ${describeRow(table, row)}`, () => {
      assert.equal(rightsOf(visitor).can(privilege, table, row, resolveRow), expected);
      assert.equal(oracle.can(visitor, privilege, table, row), expected, 'oracle self-check');
    });
  }
});

// ===================================================================================================

describe('table privileges: every principal × table × privilege × row against the oracle', () => {
  for (const { label, visitor } of PRINCIPALS) {
    describe(label, () => {
      const rights = rightsOf(visitor);
      for (const table of TABLES) {
        test(`${table}: can(), actionsOn()`, () => {
          const mismatches = new Mismatches();
          for (const privilege of ALL_PRIVILEGES) {
            mismatches.check(`${privilege} ${table} on some row`, rights.can(privilege, table), oracle.can(visitor, privilege, table));
            for (const row of DATA[table]!) {
              mismatches.check(
                `${privilege} ${describeRow(table, row)}`,
                rights.can(privilege, table, row, resolveRow),
                oracle.can(visitor, privilege, table, row),
              );
            }
          }
          for (const row of DATA[table]!) {
            mismatches.check(`actionsOn ${describeRow(table, row)}`, rights.actionsOn(table, row, resolveRow), oracle.actionsOn(visitor, table, row));
          }
          mismatches.assertNone();
        });
      }
    });
  }
});

describe('parent scope without a resolver', () => {
  test('a related row never matches when the parent rows cannot be seen', () => {
    const rights = rightsOf(contactA(ROLE.projectMembers));
    assert.equal(rights.can('read', 'task', rowOf('task', 'task-x')), false);
    assert.equal(rights.can('read', 'comment', rowOf('comment', 'comment-x')), false);
    // the table-level answers do not need rows
    assert.equal(rights.can('read', 'comment'), true);
    assert.equal(rights.can('create', 'comment', rowOf('comment', 'comment-y')), true);
  });

  test('a resolver that does not know the parent row answers no', () => {
    const rights = rightsOf(contactA(ROLE.projectMembers));
    assert.equal(rights.can('read', 'comment', rowOf('comment', 'comment-x'), () => undefined), false);
  });

  test('a row without the relationship column, or with a non-string value, is not reached', () => {
    const rights = rightsOf(contactA(ROLE.projectMembers));
    for (const taskid of [undefined, null, '', 42, { id: 'task-x' }, ['task-x']]) {
      assert.equal(rights.can('read', 'comment', { id: 'c', taskid }, resolveRow), false, `taskid=${JSON.stringify(taskid)}`);
    }
  });
});

// ===================================================================================================

describe('rowFilter shapes', () => {
  const equals = (column: string, value: string): RowPredicate => ({ kind: 'equals', column, value });
  const related = (column: string, table: string, where: RowPredicate): RowPredicate => ({ kind: 'related', column, table, where });
  const cases: ReadonlyArray<[string, Visitor, Privilege, string, RowPredicate]> = [
    ['anonymous, global read', anonymous, 'read', 'announcement', { kind: 'all' }],
    ['anonymous, no permission on the table', anonymous, 'read', 'ticket', { kind: 'none' }],
    ['anonymous even with an assigned contact-scope role', { roles: [ROLE.contactOwners] }, 'read', 'ticket', { kind: 'none' }],
    ['contact scope binds the contact id', contactA(ROLE.contactOwners), 'read', 'ticket', equals('customerid', CONTACT.A)],
    ['account scope binds the account id', contactB(ROLE.accountMembers), 'read', 'ticket', equals('accountid', ACCOUNT.X)],
    ['account scope without an account reaches nothing', contactD(ROLE.accountMembers), 'read', 'ticket', { kind: 'none' }],
    ['account scope on the account table is the row id', contactC(ROLE.accountViewers), 'read', 'account', equals('id', ACCOUNT.Y)],
    ['self scope is the contact row id', contactA(ROLE.selfEditors), 'write', 'contact', equals('id', CONTACT.A)],
    ['two roles: any of both scopes', contactA(ROLE.contactOwners, ROLE.accountMembers), 'read', 'ticket',
      { kind: 'any', of: [equals('customerid', CONTACT.A), equals('accountid', ACCOUNT.X)] }],
    ['a global grant collapses the union to all', contactA(ROLE.contactOwners, ROLE.accountMembers, ROLE.globalReaders), 'read', 'ticket', { kind: 'all' }],
    ['a privilege only one role has', contactA(ROLE.contactOwners, ROLE.accountMembers), 'write', 'ticket', equals('customerid', CONTACT.A)],
    ['parent of self', contactA(ROLE.selfEditors), 'read', 'ticket', related('customerid', 'contact', equals('id', CONTACT.A))],
    ['three-level chain', contactC(ROLE.projectMembers), 'read', 'comment',
      related('taskid', 'task', related('projectid', 'project', equals('accountid', ACCOUNT.Y)))],
    ['a chain whose root reaches nothing reaches nothing', contactD(ROLE.projectMembers), 'read', 'comment', { kind: 'none' }],
    ['a privilege no permission lists', contactA(ROLE.projectMembers), 'append', 'comment', { kind: 'none' }],
    ['a permission with no role', contactA(ROLE.globalReaders), 'delete', 'ticket', { kind: 'none' }],
  ];
  for (const [name, visitor, privilege, table, expected] of cases) {
    test(name, () => {
      assert.deepEqual(canonicalPredicate(rightsOf(visitor).rowFilter(privilege, table)), canonicalPredicate(expected));
    });
  }

  test('a rowFilter selects exactly the rows the oracle allows (every principal, table, privilege)', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) {
      const rights = rightsOf(visitor);
      for (const table of TABLES) {
        for (const privilege of ALL_PRIVILEGES) {
          if (privilege === 'create') continue; // table-level
          const filter = rights.rowFilter(privilege, table);
          const selected = DATA[table]!.filter((row) => selects(filter, row)).map((row) => row['id']);
          const expected = DATA[table]!.filter((row) => oracle.can(visitor, privilege, table, row)).map((row) => row['id']);
          mismatches.check(`${label}: ${privilege} ${table}`, selected, expected);
        }
      }
    }
    mismatches.assertNone();
  });
});

/** An independent interpreter of the predicate language (as the server's SQL would be). */
function selects(predicate: RowPredicate, row: Row): boolean {
  switch (predicate.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'equals':
      return row[predicate.column] === predicate.value;
    case 'related': {
      const target = row[predicate.column];
      const parent = (DATA[predicate.table] ?? []).find((candidate) => candidate['id'] === target);
      return parent !== undefined && selects(predicate.where, parent);
    }
    case 'any':
      return predicate.of.some((member) => selects(member, row));
  }
}

// ===================================================================================================

describe('canAssociate: append on the appended row and appendTo on the target', () => {
  const pair = (appendedTable: string, appendedId: string, targetTable: string, targetId: string) => ({
    name: `${appendedTable}/${appendedId} → ${targetTable}/${targetId}`,
    appended: { table: appendedTable, row: rowOf(appendedTable, appendedId) },
    target: { table: targetTable, row: rowOf(targetTable, targetId) },
  });
  const pairs = [
    pair('announcement', 'announcement-1', 'ticket', 'ticket-a'),
    pair('announcement', 'announcement-1', 'ticket', 'ticket-b'),
    pair('ticket', 'ticket-b', 'contact', CONTACT.A),
    pair('ticket', 'ticket-a', 'account', ACCOUNT.X),
    pair('task', 'task-x', 'project', 'project-x'),
    pair('task', 'task-y', 'project', 'project-x'),
    pair('project', 'project-x', 'task', 'task-x'),
    pair('ticket', 'ticket-a', 'ticket', 'ticket-a'),
  ];

  const literal: ReadonlyArray<[Visitor, number, boolean]> = [
    [contactA(ROLE.contactOwners), 0, true], // Authenticated: append announcement; Contact Owners: appendTo own ticket
    [contactA(ROLE.contactOwners), 1, false], // ticket-b is not A's
    [contactA(), 0, false], // no appendTo on tickets
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 2, false], // append ticket-b yes, appendTo contact A no
    [contactA(ROLE.accountMembers, ROLE.selfEditors), 2, true],
    [contactA(ROLE.accountMembers, ROLE.accountViewers), 3, true],
    [contactC(ROLE.accountMembers, ROLE.accountViewers), 3, false],
    [contactA(ROLE.projectMembers), 4, true],
    [contactA(ROLE.projectMembers), 5, false],
    [contactA(ROLE.projectMembers), 6, true], // project append + task appendTo
    [contactA(ROLE.contactOwners), 7, false], // appendTo alone is not enough
    [contactA(ROLE.contactOwners, ROLE.accountMembers), 7, true],
    [anonymous, 0, false],
  ];
  for (const [visitor, index, expected] of literal) {
    const { name, appended, target } = pairs[index]!;
    test(`${who(visitor)}: ${name} is ${expected ? 'allowed' : 'refused'}`, () => {
      assert.equal(rightsOf(visitor).canAssociate(appended, target, resolveRow), expected);
      assert.equal(oracle.canAssociate(visitor, appended, target), expected, 'oracle self-check');
    });
  }

  test('every principal × every pair agrees with the oracle', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) {
      const rights = rightsOf(visitor);
      for (const { name, appended, target } of pairs) {
        mismatches.check(`${label}: ${name}`, rights.canAssociate(appended, target, resolveRow), oracle.canAssociate(visitor, appended, target));
      }
    }
    mismatches.assertNone();
  });
});

// ===================================================================================================

describe('column permissions', () => {
  type Case = [Visitor, 'read' | 'update' | 'create', string, string, boolean, string];
  const twoRoles = contactA(ROLE.contactOwners, ROLE.accountMembers);
  const cases: Case[] = [
    [contactB(ROLE.accountMembers), 'read', 'ticket', 'internalnotes', true, 'listed for read'],
    [contactA(ROLE.contactOwners), 'read', 'ticket', 'internalnotes', false, 'not listed for read'],
    [contactA(ROLE.contactOwners), 'read', 'ticket', 'title', true, 'unrestricted column follows the table'],
    [twoRoles, 'update', 'ticket', 'internalnotes', false, 'empty update list: nobody'],
    [twoRoles, 'create', 'ticket', 'internalnotes', false, 'omitted create list: nobody'],
    [twoRoles, 'read', 'ticket', 'priority', false, 'omitted read list: nobody'],
    [twoRoles, 'update', 'ticket', 'priority', true, 'listed for update, and the table is writable'],
    [twoRoles, 'create', 'ticket', 'priority', true, 'listed for create, and the table is creatable'],
    [contactB(ROLE.accountMembers), 'update', 'ticket', 'priority', false, 'not listed for update'],
    [contactA(ROLE.contactOwners), 'create', 'ticket', 'priority', false, 'not listed for create (and no create)'],
    [contactB(ROLE.contactOwners), 'update', 'ticket', 'priority', true, 'listed for update'],
    [twoRoles, 'update', 'ticket', 'title', true, 'unrestricted, table writable'],
    [contactB(ROLE.accountMembers), 'update', 'ticket', 'title', false, 'no write privilege on the table'],
    [contactB(ROLE.accountMembers), 'create', 'ticket', 'title', true, 'create privilege on the table'],
    [contactA(ROLE.globalReaders), 'read', 'ticket', 'internalnotes', false, 'a global read does not lift a column restriction'],
    [contactA(ROLE.selfEditors), 'read', 'contact', 'creditlimit', true, 'listed'],
    [contactA(ROLE.selfEditors), 'update', 'contact', 'creditlimit', true, 'listed, contact writable'],
    [contactA(ROLE.selfEditors), 'create', 'contact', 'creditlimit', false, 'listed, but no create on contact'],
    [contactA(ROLE.accountMembers), 'read', 'contact', 'creditlimit', false, 'listed, but no read on contact'],
    [contactA(ROLE.selfEditors), 'read', 'contact', 'nickname', true, 'unrestricted profile column'],
    [contactA(ROLE.selfEditors), 'read', 'contact', 'email', true, 'unrestricted built-in column'],
    // system columns
    [twoRoles, 'read', 'ticket', 'id', true, 'system column readable with the row'],
    [twoRoles, 'read', 'ticket', 'modifiedon', true, 'system column readable with the row'],
    [twoRoles, 'update', 'ticket', 'id', false, 'system column never writable'],
    [twoRoles, 'create', 'ticket', 'createdon', false, 'system column never writable'],
    [contactA(ROLE.selfEditors), 'update', 'contact', 'modifiedon', false, 'system column never writable'],
    [anonymous, 'read', 'ticket', 'id', false, 'not without the row'],
  ];
  for (const [visitor, operation, table, column, expected, why] of cases) {
    test(`${who(visitor)} ${expected ? 'may' : 'may not'} ${operation} ${table}.${column} (${why})`, () => {
      assert.equal(rightsOf(visitor).canColumn(operation, table, column), expected);
      assert.equal(oracle.canColumn(visitor, operation, table, column), expected, 'oracle self-check');
    });
  }

  test('columns() keeps the allowed subset in the given order', () => {
    assert.deepEqual(
      rightsOf(twoRoles).columns('read', 'ticket', ['priority', 'title', 'internalnotes', 'id', 'customerid']),
      ['title', 'internalnotes', 'id', 'customerid'],
    );
    assert.deepEqual(rightsOf(twoRoles).columns('update', 'ticket', ['id', 'priority', 'internalnotes', 'title']), ['priority', 'title']);
    assert.deepEqual(rightsOf(anonymous).columns('read', 'ticket', ['title', 'id']), []);
  });

  test('every principal × table × operation × declared/system column agrees with the oracle', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) {
      const rights = rightsOf(visitor);
      for (const table of TABLES) {
        const columns = [...oracle.declaredColumns(table), ...SYSTEM_COLUMN_NAMES];
        for (const operation of ALL_COLUMN_OPS) {
          for (const column of columns) {
            mismatches.check(`${label}: ${operation} ${table}.${column}`, rights.canColumn(operation, table, column), oracle.canColumn(visitor, operation, table, column));
          }
          mismatches.check(
            `${label}: columns(${operation}, ${table})`,
            rights.columns(operation, table, columns),
            columns.filter((column) => oracle.canColumn(visitor, operation, table, column)),
          );
        }
      }
    }
    mismatches.assertNone();
  });

  test('the rights document never lists a column the visitor is denied by a column permission', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) {
      const document = resolveRightsDocument(model, visitor);
      const roles = oracle.roles(visitor);
      for (const [table, grants] of Object.entries(document.columns)) {
        for (const operation of ALL_COLUMN_OPS) {
          const denied = (matrixConfig.columnPermissions ?? [])
            .filter((c) => c.table === table && !(c[operation] ?? []).some((role) => roles.has(role)))
            .map((c) => c.column);
          const leaked = grants[operation].filter((column) => denied.includes(column));
          mismatches.check(`${label}: document.columns.${table}.${operation} leaks`, leaked, []);
          const privilege = { read: 'read', update: 'write', create: 'create' }[operation];
          if (oracle.can(visitor, privilege, table)) {
            const allowed = oracle.declaredColumns(table).filter((column) => oracle.canColumn(visitor, operation, table, column));
            mismatches.check(`${label}: document.columns.${table}.${operation}`, [...grants[operation]].sort(), allowed.sort());
          }
        }
      }
    }
    mismatches.assertNone();
  });

  test('a hidden column name never appears anywhere in the serialised permission set', () => {
    // Contact Owners may not read, update or create ticket.internalnotes: the name must not leave the server.
    for (const visitor of [contactA(ROLE.contactOwners), contactA(ROLE.globalReaders), contactA(), anonymous]) {
      const json = JSON.stringify(buildPermissionSetClaims(model, visitor, { issuer: ISSUER, issuedAt: ISSUED_AT }));
      assert.equal(json.includes('internalnotes'), false, `${who(visitor)}: ${json}`);
    }
    // and the same for a column only Account Members / Self Editors may see
    const json = JSON.stringify(buildPermissionSetClaims(model, contactA(ROLE.globalReaders), { issuer: ISSUER, issuedAt: ISSUED_AT }));
    assert.equal(json.includes('creditlimit'), false, json);
  });
});

// ===================================================================================================

describe('pages', () => {
  type Decision = { read: boolean; change: boolean };
  const R: Decision = { read: true, change: false };
  const RC: Decision = { read: true, change: true };
  const NONE: Decision = { read: false, change: false };
  const cases: ReadonlyArray<[Visitor, string, Decision]> = [
    [anonymous, '/', R],
    [anonymous, '/partners', NONE],
    [anonymous, '/partners/x', NONE],
    [anonymous, '/partnership', R], // whole segments only
    [anonymous, '/members', NONE], // rule written as '/Members/'
    [anonymous, '/memberships', R],
    [anonymous, '/signup', R],
    [anonymous, '/wiki', R],
    [contactA(), '/members/area', R],
    [contactA(), '/signup', NONE],
    [contactA(ROLE.anonymous), '/signup', NONE],
    [contactA(), '/wiki', RC],
    [contactA(), '/wiki/page', RC],
    [contactA(), '/partners', NONE],
    [contactA(ROLE.contactOwners), '/partners', R],
    [contactA(ROLE.contactOwners), '/partners/x', R],
    [contactA(ROLE.contactOwners), '/partners/finance', NONE], // needs every covering restrictRead
    [contactA(ROLE.contactOwners), '/partners/news', RC],
    [contactA(ROLE.contactOwners), '/partners/news/today', RC],
    [contactA(ROLE.accountMembers), '/partners/finance', R],
    [contactA(ROLE.accountMembers), '/partners/finance/drafts', R],
    [contactA(ROLE.accountMembers), '/partners/news', R],
    [contactA(ROLE.globalReaders), '/partners', NONE],
    [contactA(ROLE.globalReaders), '/partners/finance', NONE],
    [contactA(ROLE.globalReaders), '/partners/finance/drafts', RC], // grantChange overrides restrictRead
    [contactA(ROLE.globalReaders), '/partners/finance/drafts/q1', RC],
    [contactA(ROLE.globalReaders), '/partners/finance/report', NONE],
  ];
  for (const [visitor, path, expected] of cases) {
    test(`${who(visitor)} on ${path}: read=${expected.read} change=${expected.change}`, () => {
      const rights = rightsOf(visitor);
      assert.deepEqual({ ...rights.page(path) }, expected);
      assert.equal(rights.canReadPage(path), expected.read);
      assert.equal(rights.canChangePage(path), expected.change);
      assert.deepEqual(oracle.page(visitor, path), expected, 'oracle self-check');
    });
  }

  test('every principal × every page agrees with the oracle', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) {
      const rights = rightsOf(visitor);
      for (const path of PAGE_PATHS) mismatches.check(`${label}: ${path}`, { ...rights.page(path) }, oracle.page(visitor, path));
    }
    mismatches.assertNone();
  });

  describe('normalisation: other spellings of /partners/finance decide like it', () => {
    for (const spelling of FINANCE_SPELLINGS) {
      test(JSON.stringify(spelling), () => {
        assert.equal(oraclePath(spelling), '/partners/finance', 'oracle self-check');
        const mismatches = new Mismatches();
        for (const { label, visitor } of PRINCIPALS) {
          const rights = rightsOf(visitor);
          mismatches.check(`decision for ${label}`, { ...rights.page(spelling) }, { ...rights.page('/partners/finance') });
        }
        mismatches.check('normalizePagePath', normalizePagePath(spelling), '/partners/finance');
        mismatches.assertNone();
      });
    }
  });

  test('normalizePagePath: literal forms', () => {
    const cases: ReadonlyArray<[string, string]> = [
      ['', '/'],
      ['/', '/'],
      ['//', '/'],
      ['/..', '/'],
      ['/../..', '/'],
      ['?x', '/'],
      ['partners', '/partners'],
      ['/Partners/', '/partners'],
      ['/a/./b/../c', '/a/c'],
      ['/%41', '/a'],
      ['/%zz', '/%zz'], // malformed escapes are kept, not thrown on
      ['/%E0%A4%A', '/%e0%a4%a'],
    ];
    for (const [input, expected] of cases) assert.equal(normalizePagePath(input), expected, JSON.stringify(input));
  });

  test('normalizePagePath is idempotent (a normalised path normalises to itself)', () => {
    const mismatches = new Mismatches();
    for (const path of [...PAGE_PATHS, ...FINANCE_SPELLINGS, '/x%252F..%252Fpartners', '/%2e%2e%2f%2e%2e%2fpartners']) {
      const once = normalizePagePath(path);
      mismatches.check(JSON.stringify(path), normalizePagePath(once), once);
    }
    mismatches.assertNone();
  });

  test('pathCovers: a rule covers its path and descendants by whole segments', () => {
    const cases: ReadonlyArray<[string, string, boolean]> = [
      ['/partners', '/partners', true],
      ['/partners', '/partners/x', true],
      ['/partners', '/partners/x/y', true],
      ['/partners', '/partnership', false],
      ['/partners', '/partners-old', false],
      ['/partners', '/', false],
      ['/partners/x', '/partners', false],
      ['/', '/anything/at/all', true],
      ['/Partners/', '/PARTNERS/X', true],
      ['/partners', '/PARTNERS%2Fx', true],
    ];
    for (const [rule, path, expected] of cases) assert.equal(pathCovers(rule, path), expected, `${rule} covers ${path}`);
  });

  test('page rules written un-normalised in the config are normalised in the model', () => {
    assert.ok(model.pageRules.some((rule) => rule.path === '/members' && rule.right === 'restrictRead'));
    assert.ok(!model.pageRules.some((rule) => rule.path === '/Members/'));
  });
});

// ===================================================================================================

describe('website rights', () => {
  const none = Object.fromEntries(ALL_WEBSITE_RIGHTS.map((r) => [r, false])) as Record<WebsiteRight, boolean>;
  const cases: ReadonlyArray<[Visitor, Record<WebsiteRight, boolean>]> = [
    [anonymous, none],
    [{ roles: [ROLE.globalReaders] }, none],
    [contactA(), none], // `manageWebLinkSets: false` grants nothing
    [contactA(ROLE.globalReaders), { ...none, manageContentSnippets: true }],
    [contactA(ROLE.selfEditors), { ...none, manageSiteMarkers: true }],
    [contactA(ROLE.globalReaders, ROLE.selfEditors), { ...none, manageContentSnippets: true, manageSiteMarkers: true }],
  ];
  for (const [visitor, expected] of cases) {
    test(`${who(visitor)}`, () => {
      const rights = rightsOf(visitor);
      assert.deepEqual({ ...rights.website }, expected);
      for (const right of ALL_WEBSITE_RIGHTS) assert.equal(rights.canWebsite(right), expected[right], right);
      assert.deepEqual(oracle.website(visitor), expected, 'oracle self-check');
    });
  }

  test('every principal agrees with the oracle', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) mismatches.check(label, { ...rightsOf(visitor).website }, oracle.website(visitor));
    mismatches.assertNone();
  });
});

// ===================================================================================================

describe('hostile names answer false and never throw', () => {
  const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', ''];
  const powerful = contactA(...Object.values(ROLE));
  const visitors = [anonymous, contactA(), powerful];

  test('as table names', () => {
    for (const visitor of visitors) {
      const rights = rightsOf(visitor);
      for (const table of HOSTILE) {
        for (const privilege of ALL_PRIVILEGES) {
          assert.equal(rights.can(privilege, table), false, `${privilege} ${table}`);
          assert.equal(rights.can(privilege, table, { id: 'x' }, resolveRow), false, `${privilege} ${table} row`);
          assert.deepEqual(rights.rowFilter(privilege, table), { kind: 'none' });
        }
        assert.deepEqual(rights.actionsOn(table, { id: 'x' }, resolveRow), []);
        for (const operation of ALL_COLUMN_OPS) assert.equal(rights.canColumn(operation, table, 'title'), false, `${operation} ${table}.title`);
        assert.equal(rights.canAssociate({ table, row: {} }, { table, row: {} }, resolveRow), false);
      }
    }
  });

  test('as privilege names', () => {
    for (const visitor of visitors) {
      const rights = rightsOf(visitor);
      for (const privilege of HOSTILE) {
        for (const table of TABLES) {
          assert.equal(rights.can(privilege as Privilege, table), false, `${privilege} ${table}`);
          assert.equal(rights.can(privilege as Privilege, table, DATA[table]![0], resolveRow), false, `${privilege} ${table} row`);
          assert.deepEqual(rights.rowFilter(privilege as Privilege, table), { kind: 'none' });
        }
      }
    }
  });

  test('as column names and column operations', () => {
    const mismatches = new Mismatches();
    for (const visitor of visitors) {
      const rights = rightsOf(visitor);
      for (const table of TABLES) {
        for (const name of HOSTILE) {
          for (const operation of ALL_COLUMN_OPS) {
            mismatches.check(`${who(visitor)}: ${operation} ${table}.${JSON.stringify(name)}`, rights.canColumn(operation, table, name), false);
          }
          mismatches.check(`${who(visitor)}: op ${JSON.stringify(name)} on ${table}.title`, rights.canColumn(name as 'read', table, 'title'), false);
          mismatches.check(`${who(visitor)}: columns(read, ${table}) with ${JSON.stringify(name)}`, rights.columns('read', table, [name]), []);
        }
      }
    }
    mismatches.assertNone();
  });

  test('an undeclared column of an unrestricted table is not granted', () => {
    // "other columns follow the table permission" covers the table's columns, not any string.
    const rights = rightsOf(powerful);
    assert.equal(rights.canColumn('read', 'ticket', 'no_such_column'), false, 'ticket has column permissions');
    assert.equal(rights.canColumn('read', 'project', 'no_such_column'), false, 'project has none');
  });

  test('as website rights, roles and page paths', () => {
    for (const visitor of visitors) {
      const rights = rightsOf(visitor);
      for (const name of HOSTILE) {
        assert.equal(rights.canWebsite(name as WebsiteRight), false, name);
        assert.equal(rights.hasRole(name), false, name);
        assert.doesNotThrow(() => rights.page(`/${name}`));
        assert.doesNotThrow(() => rights.page(`/partners/${name}/%E0%A4%A/..`));
      }
    }
  });

  test('as row values, relationship targets and resolver ids', () => {
    const rights = rightsOf(powerful);
    for (const name of HOSTILE) {
      assert.equal(rights.can('read', 'comment', { id: 'c', taskid: name }, resolveRow), false, `taskid ${name}`);
      assert.equal(rights.can('write', 'ticket', { id: 't', customerid: name }, resolveRow), false, `customerid ${name}`);
    }
    const prototypeRow = JSON.parse('{"__proto__": {"customerid": "contact-a"}, "id": "t"}') as Row;
    assert.equal(rightsOf(contactA(ROLE.contactOwners)).can('read', 'ticket', prototypeRow, resolveRow), false, 'inherited customerid');
  });

  test('a permission set parsed from JSON with hostile keys grants nothing through the prototype', () => {
    const claims = buildPermissionSetClaims(model, contactA(), { issuer: ISSUER, issuedAt: ISSUED_AT });
    const tampered = JSON.parse(
      JSON.stringify(claims).replace('"tables":{', '"tables":{"__proto__":{"read":[{"scope":"global"}]},'),
    ) as typeof claims;
    const rights = rightsFromClaims(tampered);
    assert.equal(rights.can('read', 'ticket'), false);
    assert.equal(rights.can('read', 'project'), false);
  });

  test('config-declared tables called constructor / toString work like any other name', () => {
    const config: PortalConfig = {
      site: { name: 's', origins: ['https://s.example'] },
      tables: Object.fromEntries([
        ['constructor', { columns: { x: { type: 'string' as const } } }],
        ['toString', { columns: { y: { type: 'string' as const } } }],
      ]),
      webRoles: [{ name: 'Anon', anonymous: true }, { name: 'Auth', authenticated: true }],
      tablePermissions: [{ name: 'p', table: 'constructor', scope: 'global', privileges: ['read'], roles: ['Auth'] }],
    };
    const rights = resolveRights(compileModel(config), { contactId: 'c' });
    assert.equal(rights.can('read', 'constructor', { id: 'r' }), true);
    assert.equal(rights.can('read', 'toString', { id: 'r' }), false);
    assert.equal(rights.canColumn('read', 'constructor', 'x'), true);
  });

  test('a table named __proto__ in the config does not change the prototype of the rights document', () => {
    const config: PortalConfig = {
      site: { name: 's', origins: ['https://s.example'] },
      webRoles: [{ name: 'Anon', anonymous: true }, { name: 'Auth', authenticated: true }],
      tablePermissions: [{ name: 'p', table: '__proto__', scope: 'global', privileges: ['read'], roles: ['Auth'] }],
    };
    const document = resolveRightsDocument(compileModel(config), { contactId: 'c' });
    assert.equal(Object.getPrototypeOf(document.tables), Object.prototype);
    assert.equal('read' in document.tables, false);
  });
});

// ===================================================================================================

describe('permission-set claims', () => {
  const options = { issuer: ISSUER, issuedAt: ISSUED_AT, sessionId: 'session-1' };
  const claimsOf = (visitor: Visitor, m: PortalModel = model, o: typeof options | { issuer: string; issuedAt: number } = options) =>
    buildPermissionSetClaims(m, visitor, o);

  test('anonymous: no sub, no account; every other member present', () => {
    const claims = claimsOf({ accountId: ACCOUNT.X, roles: [ROLE.globalReaders] });
    assert.deepEqual(Object.keys(claims).sort(), ['aud', 'columns', 'exp', 'iat', 'iss', 'pages', 'roles', 'sid', 'tables', 'ver', 'website']);
    assert.equal('sub' in claims, false);
    assert.equal('account' in claims, false);
    assert.deepEqual(claims.roles, [ROLE.anonymous]);
  });

  test('signed in: sub and account, iss, aud, iat, exp = iat + permissionSetMinutes × 60', () => {
    const claims = claimsOf(contactA(ROLE.selfEditors));
    assert.equal(claims.sub, CONTACT.A);
    assert.equal(claims.account, ACCOUNT.X);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.aud, 'https://portal.example'); // the first origin, no audience configured
    assert.equal(claims.sid, 'session-1');
    assert.equal(claims.iat, ISSUED_AT);
    assert.equal(claims.exp, ISSUED_AT + 7 * 60);
    assert.deepEqual(claims.roles, [ROLE.authenticated, ROLE.selfEditors].sort());
    assert.equal('account' in claimsOf(contactD()), false, 'no account for a contact without one');
    assert.equal('sid' in claimsOf(contactA(), model, { issuer: ISSUER, issuedAt: ISSUED_AT }), false, 'no sid without a session');
  });

  test('tables carry, per table and privilege, only the scopes granted', () => {
    const claims = claimsOf(contactA(ROLE.contactOwners));
    assert.deepEqual(Object.keys(claims.tables).sort(), ['announcement', 'ticket']);
    assert.deepEqual(Object.keys(claims.tables['ticket']!).sort(), ['appendTo', 'delete', 'read', 'write']);
    assert.deepEqual(claims.tables['ticket']!.read, [{ scope: 'contact', column: 'customerid' }]);
    assert.deepEqual(claimsOf(anonymous).tables, { announcement: { read: [{ scope: 'global' }] }, ticket: { create: [{ scope: 'global' }] } });
  });

  test('the permission set does not reveal how the configuration is organised (no permission names)', () => {
    const json = JSON.stringify(claimsOf(contactA(...Object.values(ROLE))));
    for (const permission of matrixConfig.tablePermissions ?? []) assert.equal(json.includes(permission.name), false, permission.name);
  });

  test('deterministic: same inputs, byte-equal JSON, even from separately compiled models', () => {
    const other = compileModel(structuredClone(matrixConfig));
    for (const { label, visitor } of PRINCIPALS) {
      const first = JSON.stringify(claimsOf(visitor));
      assert.equal(JSON.stringify(claimsOf(visitor)), first, label);
      assert.equal(JSON.stringify(claimsOf(structuredClone(visitor), other)), first, label);
    }
  });

  test('deterministic under reordering the configuration and the assigned roles', () => {
    const reversed: PortalConfig = {
      ...structuredClone(matrixConfig),
      webRoles: [...matrixConfig.webRoles].reverse(),
      tablePermissions: [...(matrixConfig.tablePermissions ?? [])].reverse().map((p) => ({ ...p, privileges: [...p.privileges].reverse() })),
      columnPermissions: [...(matrixConfig.columnPermissions ?? [])].reverse(),
      pageRules: [...(matrixConfig.pageRules ?? [])].reverse().map((r) => ({ ...r, roles: [...r.roles].reverse() })),
      websitePermissions: [...(matrixConfig.websitePermissions ?? [])].reverse(),
      tables: Object.fromEntries(Object.entries(matrixConfig.tables ?? {}).reverse()),
    };
    const reversedModel = compileModel(reversed);
    for (const { label, visitor } of PRINCIPALS) {
      const shuffled = { ...visitor, roles: [...(visitor.roles ?? [])].reverse() };
      assert.equal(JSON.stringify(claimsOf(shuffled, reversedModel)), JSON.stringify(claimsOf(visitor)), label);
    }
  });

  describe('ver', () => {
    const verOf = (visitor: Visitor, m: PortalModel = model, o: { issuer: string; issuedAt: number; sessionId?: string } = options) =>
      buildPermissionSetClaims(m, visitor, o).ver;
    const withConfig = (change: (config: PortalConfig) => void): PortalModel => {
      const config = structuredClone(matrixConfig);
      change(config);
      return compileModel(config);
    };

    test('does not change with iat or sid', () => {
      for (const { label, visitor } of PRINCIPALS) {
        const ver = verOf(visitor);
        assert.equal(verOf(visitor, model, { issuer: ISSUER, issuedAt: ISSUED_AT + 3600 }), ver, label);
        assert.equal(verOf(visitor, model, { issuer: ISSUER, issuedAt: ISSUED_AT, sessionId: 'another' }), ver, label);
      }
    });

    test('does not change with role assignments that grant nothing new to declared roles', () => {
      assert.equal(verOf(contactA(UNDECLARED_ROLE)), verOf(contactA()));
      assert.equal(verOf(contactA(ROLE.anonymous)), verOf(contactA()));
      assert.equal(verOf(contactA(ROLE.selfEditors, ROLE.selfEditors)), verOf(contactA(ROLE.selfEditors)));
      assert.equal(verOf({ roles: [ROLE.globalReaders] }), verOf(anonymous));
    });

    test('an empty account id is no account: same claims, same ver', () => {
      const withEmpty = buildPermissionSetClaims(model, { contactId: CONTACT.D, accountId: '', roles: [] }, options);
      const without = buildPermissionSetClaims(model, contactD(), options);
      assert.equal('account' in withEmpty, false);
      assert.equal(withEmpty.ver, without.ver);
    });

    test('changes with the roles, the contact and the account', () => {
      const vers = new Set([
        verOf(anonymous),
        verOf(contactA()),
        verOf(contactA(ROLE.contactOwners)),
        verOf(contactA(ROLE.contactOwners, ROLE.accountMembers)),
        verOf(contactB(ROLE.contactOwners)),
        verOf({ contactId: CONTACT.A, accountId: ACCOUNT.Y, roles: [ROLE.contactOwners] }),
        verOf({ contactId: CONTACT.A, roles: [ROLE.contactOwners] }),
      ]);
      assert.equal(vers.size, 7);
    });

    test('changes when the configuration changes this visitor’s rights', () => {
      const visitor = contactA(ROLE.contactOwners);
      const ver = verOf(visitor);
      const changes: ReadonlyArray<[string, (config: PortalConfig) => void]> = [
        ['a privilege added', (c) => c.tablePermissions!.find((p) => p.name === 'Own tickets')!.privileges.push('create')],
        ['a scope changed', (c) => Object.assign(c.tablePermissions!.find((p) => p.name === 'Own tickets')!, { scope: 'global' })],
        ['a column restricted', (c) => c.columnPermissions!.push({ table: 'ticket', column: 'title', read: [ROLE.accountMembers] })],
        ['a column opened', (c) => c.columnPermissions!.find((p) => p.column === 'priority')!.read = [ROLE.contactOwners]],
        ['a page rule granted', (c) => c.pageRules!.find((r) => r.path === '/partners/finance')!.roles.push(ROLE.contactOwners)],
        ['a page rule added', (c) => c.pageRules!.push({ path: '/secret', right: 'restrictRead', roles: [ROLE.globalReaders] })],
        ['a website right', (c) => c.websitePermissions!.push({ roles: [ROLE.contactOwners], manageWebLinkSets: true })],
        ['the role removed from its permission', (c) => c.tablePermissions!.find((p) => p.name === 'Own tickets')!.roles = [ROLE.accountMembers]],
      ];
      for (const [name, change] of changes) assert.notEqual(verOf(visitor, withConfig(change)), ver, name);
    });

    test('does not change when the configuration changes only what this visitor cannot use', () => {
      const visitor = contactA(ROLE.contactOwners);
      const ver = verOf(visitor);
      const changes: ReadonlyArray<[string, (config: PortalConfig) => void]> = [
        ['a permission renamed', (c) => c.tablePermissions!.find((p) => p.name === 'Own tickets')!.name = 'My tickets'],
        ['another role’s permission changed', (c) => c.tablePermissions!.find((p) => p.name === 'All tickets')!.privileges.push('write')],
        ['another role’s website right', (c) => c.websitePermissions!.push({ roles: [ROLE.accountMembers], manageWebLinkSets: true })],
        ['a new unassigned role', (c) => c.webRoles.push({ name: 'Auditors' })],
        ['a permission for an unheld role', (c) => c.tablePermissions!.push({ name: 'Audit', table: 'project', scope: 'global', privileges: ['read'], roles: ['Auditors'] })],
        ['a permission that lists no privilege', (c) => c.tablePermissions!.push({ name: 'Empty', table: 'project', scope: 'global', privileges: [], roles: [ROLE.contactOwners] })],
      ];
      for (const [name, change] of changes) assert.equal(verOf(visitor, withConfig(change)), ver, name);
    });
  });

  test('rightsFromClaims (after a JSON round trip) answers exactly like resolveRights', () => {
    const mismatches = new Mismatches();
    for (const { label, visitor } of PRINCIPALS) {
      const server = resolveRights(model, visitor);
      const browser = rightsFromClaims(JSON.parse(JSON.stringify(claimsOf(visitor))));
      mismatches.check(`${label}: roles`, browser.roles, server.roles);
      mismatches.check(`${label}: website`, browser.website, server.website);
      for (const { table, row } of allRows()) {
        mismatches.check(`${label}: actionsOn ${describeRow(table, row)}`, browser.actionsOn(table, row, resolveRow), server.actionsOn(table, row, resolveRow));
      }
      for (const table of TABLES) {
        for (const privilege of ALL_PRIVILEGES) {
          mismatches.check(`${label}: rowFilter ${privilege} ${table}`, browser.rowFilter(privilege, table), server.rowFilter(privilege, table));
        }
        for (const operation of ALL_COLUMN_OPS) {
          for (const column of [...oracle.declaredColumns(table), ...SYSTEM_COLUMN_NAMES]) {
            mismatches.check(`${label}: ${operation} ${table}.${column}`, browser.canColumn(operation, table, column), server.canColumn(operation, table, column));
          }
        }
      }
      for (const path of [...PAGE_PATHS, ...FINANCE_SPELLINGS]) mismatches.check(`${label}: page ${path}`, browser.page(path), server.page(path));
    }
    mismatches.assertNone();
  });
});

// ===================================================================================================

describe('edge cases where the spec is strict', () => {
  test('an anonymous visitor carrying a stale account id gets nothing through account scope (server and browser agree)', () => {
    const config: PortalConfig = {
      site: { name: 's', origins: ['https://s.example'] },
      tables: { ticket: { columns: { accountid: { type: 'lookup', table: 'account' } } } },
      webRoles: [{ name: 'Anon', anonymous: true }, { name: 'Auth', authenticated: true }],
      tablePermissions: [
        { name: 'Account tickets', table: 'ticket', scope: 'account', accountColumn: 'accountid', privileges: ['read'], roles: ['Anon'] },
      ],
    };
    const m = compileModel(config);
    const visitor: Visitor = { accountId: ACCOUNT.X };
    const row = { id: 't', accountid: ACCOUNT.X };
    const specOracle = new SpecOracle(config, { ticket: [row] });
    const browser = rightsFromClaims(buildPermissionSetClaims(m, visitor, { issuer: ISSUER, issuedAt: ISSUED_AT }));
    assert.equal(specOracle.can(visitor, 'read', 'ticket', row), false, 'oracle self-check');
    assert.equal(browser.can('read', 'ticket', row), false, 'browser (claims carry no account for anonymous)');
    assert.equal(resolveRights(m, visitor).can('read', 'ticket', row), false, 'server');
  });

  test('two restrictRead rules on one path: configuration order does not change the bytes or ver', () => {
    const base = (rules: PortalConfig['pageRules']): PortalModel =>
      compileModel({
        site: { name: 's', origins: ['https://s.example'] },
        webRoles: [{ name: 'Anon', anonymous: true }, { name: 'Auth', authenticated: true }, { name: 'R1' }, { name: 'R2' }],
        pageRules: rules!,
      });
    const r1: PageRuleConfig = { path: '/docs', right: 'restrictRead', roles: ['R1'] };
    const r2: PageRuleConfig = { path: '/docs', right: 'restrictRead', roles: ['R2'] };
    const visitor = { contactId: 'c', roles: ['R1'] };
    const a = buildPermissionSetClaims(base([r1, r2]), visitor, { issuer: ISSUER, issuedAt: ISSUED_AT });
    const b = buildPermissionSetClaims(base([r2, r1]), visitor, { issuer: ISSUER, issuedAt: ISSUED_AT });
    assert.equal(rightsFromClaims(a).canReadPage('/docs'), false, 'needs both rules');
    assert.equal(JSON.stringify(b), JSON.stringify(a));
  });
});
