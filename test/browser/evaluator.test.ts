/**
 * The evaluator in real Chromium: the same model, claims and decisions as on the server, checked
 * against the same specification oracle the Node matrix uses (test/fixtures/matrix.ts).
 */
import { expect } from '@open-wc/testing';
import { buildPermissionSetClaims, compileModel, resolveRights, rightsFromClaims } from '@portalkit/core';
import type { PermissionSetClaims, Rights, Visitor } from '@portalkit/core';
import {
  ACCOUNT,
  ALL_COLUMN_OPS,
  ALL_PRIVILEGES,
  CONTACT,
  DATA,
  FINANCE_SPELLINGS,
  ISSUED_AT,
  ISSUER,
  KEY_PRINCIPALS,
  PAGE_PATHS,
  ROLE,
  SYSTEM_COLUMN_NAMES,
  TABLES,
  allRows,
  buildMatrixModel,
  describeRow,
  matrixConfig,
  oracle,
  resolveRow,
  rowOf,
} from '../fixtures/matrix.js';

const model = buildMatrixModel();
const claimsFor = (visitor: Visitor, sessionId = 'browser-session'): PermissionSetClaims =>
  buildPermissionSetClaims(model, visitor, { issuer: ISSUER, issuedAt: ISSUED_AT, sessionId });

/** Every disagreement between `actual` and `expected` answers, as readable lines. */
function disagreements(rights: Rights, visitor: Visitor, label: string): string[] {
  const lines: string[] = [];
  for (const table of TABLES) {
    for (const privilege of ALL_PRIVILEGES) {
      if (rights.can(privilege, table) !== oracle.can(visitor, privilege, table)) lines.push(`${label}: ${privilege} ${table}`);
      for (const row of DATA[table]!) {
        if (rights.can(privilege, table, row, resolveRow) !== oracle.can(visitor, privilege, table, row)) {
          lines.push(`${label}: ${privilege} ${describeRow(table, row)}`);
        }
      }
    }
    for (const operation of ALL_COLUMN_OPS) {
      for (const column of [...oracle.declaredColumns(table), ...SYSTEM_COLUMN_NAMES]) {
        if (rights.canColumn(operation, table, column) !== oracle.canColumn(visitor, operation, table, column)) {
          lines.push(`${label}: ${operation} ${table}.${column}`);
        }
      }
    }
  }
  for (const path of PAGE_PATHS) {
    const expected = oracle.page(visitor, path);
    const actual = rights.page(path);
    if (actual.read !== expected.read || actual.change !== expected.change) lines.push(`${label}: page ${path}`);
  }
  return lines;
}

describe('evaluator in the browser', () => {
  it('runs in a real browser', () => {
    expect(typeof window).to.equal('object');
    expect(navigator.userAgent).to.contain('Chrome');
  });

  describe('the matrix slice agrees with the specification oracle', () => {
    for (const { label, visitor } of KEY_PRINCIPALS) {
      it(`${label}: rows, tables, columns and pages (from the model)`, () => {
        expect(disagreements(resolveRights(model, visitor), visitor, label)).to.deep.equal([]);
      });
      it(`${label}: rows, tables, columns and pages (from the claims)`, () => {
        expect(disagreements(rightsFromClaims(claimsFor(visitor)), visitor, label)).to.deep.equal([]);
      });
    }
  });

  describe('literal cases', () => {
    const twoRoles: Visitor = { contactId: CONTACT.A, accountId: ACCOUNT.X, roles: [ROLE.contactOwners, ROLE.accountMembers] };

    it('contact, account and global scopes add up', () => {
      const rights = resolveRights(model, twoRoles);
      expect(rights.can('read', 'ticket', rowOf('ticket', 'ticket-a'))).to.equal(true);
      expect(rights.can('read', 'ticket', rowOf('ticket', 'ticket-b'))).to.equal(true);
      expect(rights.can('write', 'ticket', rowOf('ticket', 'ticket-b'))).to.equal(false);
      expect(rights.can('read', 'ticket', rowOf('ticket', 'ticket-c'))).to.equal(false);
      expect(rights.actionsOn('ticket', rowOf('ticket', 'ticket-a'))).to.deep.equal(['read', 'write', 'create', 'delete', 'append', 'appendTo']);
    });

    it('a three-level parent chain reaches exactly the account’s comments', () => {
      const rights = resolveRights(model, { contactId: CONTACT.C, accountId: ACCOUNT.Y, roles: [ROLE.projectMembers] });
      expect(rights.can('read', 'comment', rowOf('comment', 'comment-y'), resolveRow)).to.equal(true);
      expect(rights.can('read', 'comment', rowOf('comment', 'comment-x'), resolveRow)).to.equal(false);
      expect(rights.can('read', 'comment', rowOf('comment', 'comment-orphan'), resolveRow)).to.equal(false);
      expect(rights.can('read', 'comment', rowOf('comment', 'comment-y'))).to.equal(false, 'no resolver: no');
    });

    it('anonymous: only the Anonymous role', () => {
      const rights = rightsFromClaims(claimsFor({ roles: [ROLE.globalReaders] }));
      expect([...rights.roles]).to.deep.equal([ROLE.anonymous]);
      expect(rights.rowFilter('read', 'ticket')).to.deep.equal({ kind: 'none' });
      expect(rights.rowFilter('read', 'announcement')).to.deep.equal({ kind: 'all' });
      expect(rights.can('create', 'ticket')).to.equal(true);
    });

    it('columns: restricted ones only for listed roles, system columns never writable', () => {
      const rights = rightsFromClaims(claimsFor(twoRoles));
      expect(rights.columns('read', 'ticket', ['title', 'internalnotes', 'priority', 'id'])).to.deep.equal(['title', 'internalnotes', 'id']);
      expect(rights.columns('update', 'ticket', ['title', 'internalnotes', 'priority', 'id'])).to.deep.equal(['title', 'priority']);
    });

    it('hostile names answer false and do not throw', () => {
      const rights = rightsFromClaims(claimsFor(twoRoles));
      for (const name of ['__proto__', 'constructor', 'toString']) {
        expect(rights.can('read', name)).to.equal(false);
        expect(rights.can(name as 'read', 'ticket')).to.equal(false);
        expect(rights.hasRole(name)).to.equal(false);
      }
    });
  });

  describe('pages', () => {
    it('every key principal × every page agrees with the oracle', () => {
      const lines: string[] = [];
      for (const { label, visitor } of KEY_PRINCIPALS) {
        const rights = rightsFromClaims(claimsFor(visitor));
        for (const path of PAGE_PATHS) {
          const expected = oracle.page(visitor, path);
          const actual = rights.page(path);
          if (actual.read !== expected.read || actual.change !== expected.change) lines.push(`${label}: ${path}`);
        }
      }
      expect(lines).to.deep.equal([]);
    });

    it('grantChange overrides restrictRead in its subtree; rules cover whole segments', () => {
      const globalReader = rightsFromClaims(claimsFor({ contactId: CONTACT.A, accountId: ACCOUNT.X, roles: [ROLE.globalReaders] }));
      expect({ ...globalReader.page('/partners/finance/drafts/q1') }).to.deep.equal({ read: true, change: true });
      expect({ ...globalReader.page('/partners/finance') }).to.deep.equal({ read: false, change: false });
      const anonymous = rightsFromClaims(claimsFor({}));
      expect(anonymous.canReadPage('/partnership')).to.equal(true);
      expect(anonymous.canReadPage('/partners')).to.equal(false);
    });

    it('no spelling of a restricted path lets an anonymous visitor read it', () => {
      const anonymous = rightsFromClaims(claimsFor({}));
      const leaks = FINANCE_SPELLINGS.filter((spelling) => anonymous.canReadPage(spelling));
      expect(leaks).to.deep.equal([]);
    });
  });

  describe('permission-set claims', () => {
    it('JSON.stringify is deterministic, including from a model compiled from a JSON copy of the config', () => {
      const copy = compileModel(JSON.parse(JSON.stringify(matrixConfig)));
      for (const { label, visitor } of KEY_PRINCIPALS) {
        const first = JSON.stringify(claimsFor(visitor));
        expect(JSON.stringify(claimsFor(visitor)), label).to.equal(first);
        expect(JSON.stringify(buildPermissionSetClaims(copy, visitor, { issuer: ISSUER, issuedAt: ISSUED_AT, sessionId: 'browser-session' })), label).to.equal(first);
      }
    });

    it('ver ignores iat and sid; sub and account are absent for anonymous', () => {
      const visitor: Visitor = { contactId: CONTACT.B, accountId: ACCOUNT.X, roles: [ROLE.accountMembers] };
      const a = claimsFor(visitor, 'one');
      const b = buildPermissionSetClaims(model, visitor, { issuer: ISSUER, issuedAt: ISSUED_AT + 999 });
      expect(b.ver).to.equal(a.ver);
      expect(a.exp - a.iat).to.equal(7 * 60);
      const anonymous = claimsFor({ accountId: ACCOUNT.X });
      expect('sub' in anonymous).to.equal(false);
      expect('account' in anonymous).to.equal(false);
    });

    it('claims round-trip through JSON.parse(JSON.stringify()) and still answer identically', () => {
      const lines: string[] = [];
      for (const { label, visitor } of KEY_PRINCIPALS) {
        const claims = claimsFor(visitor);
        const revived = JSON.parse(JSON.stringify(claims)) as PermissionSetClaims;
        expect(revived, label).to.deep.equal(claims);
        const direct = rightsFromClaims(claims);
        const roundTripped = rightsFromClaims(revived);
        const server = resolveRights(model, visitor);
        for (const { table, row } of allRows()) {
          const expected = server.actionsOn(table, row, resolveRow).join();
          if (direct.actionsOn(table, row, resolveRow).join() !== expected) lines.push(`${label}: direct ${describeRow(table, row)}`);
          if (roundTripped.actionsOn(table, row, resolveRow).join() !== expected) lines.push(`${label}: revived ${describeRow(table, row)}`);
        }
        for (const table of TABLES) {
          for (const privilege of ALL_PRIVILEGES) {
            if (JSON.stringify(roundTripped.rowFilter(privilege, table)) !== JSON.stringify(server.rowFilter(privilege, table))) {
              lines.push(`${label}: rowFilter ${privilege} ${table}`);
            }
          }
        }
        for (const path of PAGE_PATHS) {
          if (JSON.stringify(roundTripped.page(path)) !== JSON.stringify(server.page(path))) lines.push(`${label}: page ${path}`);
        }
        if (JSON.stringify(roundTripped.website) !== JSON.stringify(server.website)) lines.push(`${label}: website`);
      }
      expect(lines).to.deep.equal([]);
    });
  });
});
