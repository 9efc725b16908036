import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PRINCIPAL_NAMES, TABLE_ORDER, startDataFixture, visitorOf, withoutInstance } from '../support/data-fixture.js';
import type { DataFixture, FixtureRow, Principal } from '../support/data-fixture.js';

/**
 * The authorization matrix of the data API, over real HTTP against a real SQLite file: every scope
 * (global, contact, account, self, parent two and three levels deep) × every privilege (read through
 * the list and the single-row GET, write through PATCH, create through POST, delete, append/appendTo
 * through associate) × every principal (anonymous, A, B in A's account, C in another account, D with
 * two roles). Expected answers come from the fixture's oracle, which reads the raw configuration.
 *
 * Each test collects every mismatch and asserts the list is empty, so one run reports all of them.
 * Each test has its own server and dataset, so a failure in one cannot spill into the next.
 */

/** A column per table every writer may change (no column permission on it, not an ownership column). */
const WRITE_COLUMN: Readonly<Record<string, string>> = {
  account: 'name',
  contact: 'nickname',
  ticket: 'title',
  note: 'text',
  attachment: 'filename',
  announcement: 'headline',
  project: 'name',
  task: 'title',
  feedback: 'message',
  vault: 'content',
};

/** Tables whose rows have no rows pointing at them that a delete could trip over when cloned. */
const CLONABLE = new Set(['ticket', 'note', 'attachment', 'announcement', 'project', 'task', 'feedback', 'vault']);

interface AuditRow {
  id: number;
  action: string;
  outcome: string;
  actor: string | null;
  subject: string | null;
  detail: string;
}

describe('data API: the authorization matrix over HTTP', () => {
  let f: DataFixture;

  beforeEach(async () => {
    f = await startDataFixture();
  });

  afterEach(async () => {
    await f?.close();
  });

  async function lastAuditId(): Promise<number> {
    const row = await f.db.selectFrom('pk_audit').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  async function auditSince(id: number): Promise<AuditRow[]> {
    return (await f.db.selectFrom('pk_audit').selectAll().where('id', '>', id).orderBy('id').execute()) as AuditRow[];
  }

  /** Checks that exactly one audit record of `action` by the principal was written since `mark`. */
  async function expectAudit(mismatches: string[], what: string, mark: number, action: 'permission-denied' | 'data-change', p: Principal): Promise<void> {
    const records = (await auditSince(mark)).filter((record) => record.action === action);
    if (records.length !== 1 || (records[0]!.actor ?? undefined) !== p.contactId) {
      mismatches.push(`${what}: expected one "${action}" audit record by ${p.name}, got ${JSON.stringify(records.map((r) => [r.action, r.actor]))}`);
    }
  }

  function describeRow(row: FixtureRow): string {
    return row.label;
  }

  test('lists: exactly the readable rows, with readable columns, _etag and _actions; 403 without any read grant', async () => {
    const mismatches: string[] = [];
    for (const name of PRINCIPAL_NAMES) {
      const p = f.principals[name];
      const visitor = visitorOf(p);
      for (const table of TABLE_ORDER) {
        const what = `${name} GET /api/tables/${table}`;
        const mark = await lastAuditId();
        const response = await p.client.get(`/api/tables/${table}`);
        if (!f.oracle.canTable(visitor, 'read', table)) {
          if (response.status !== 403 || response.body?.code !== 'permission-denied') {
            mismatches.push(`${what}: expected 403 permission-denied, got ${response.status} ${response.text.slice(0, 300)}`);
          } else {
            await expectAudit(mismatches, what, mark, 'permission-denied', p);
          }
          continue;
        }
        if (response.status !== 200) {
          mismatches.push(`${what}: expected 200, got ${response.status} ${response.text.slice(0, 300)}`);
          continue;
        }
        const rows = response.body.rows as Record<string, unknown>[];
        const gotIds = rows.map((row) => String(row['id'])).sort();
        const expectedIds = f.oracle.visibleIds(visitor, table);
        if (JSON.stringify(gotIds) !== JSON.stringify(expectedIds)) {
          mismatches.push(`${what}: expected ids [${expectedIds.map(f.labelOf).join(', ')}], got [${gotIds.map(f.labelOf).join(', ')}]`);
        }
        if (response.body.nextCursor !== undefined) mismatches.push(`${what}: unexpected nextCursor on a short list`);
        for (const row of rows) {
          const stored = f.data[table]!.find((candidate) => candidate.values['id'] === row['id']);
          if (!stored) continue;
          const expected = f.oracle.apiRow(visitor, table, stored);
          try {
            assert.deepStrictEqual(row, expected);
          } catch {
            mismatches.push(`${what}: ${describeRow(stored)} expected ${JSON.stringify(expected)}, got ${JSON.stringify(row)}`);
          }
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('GET one row: 200 with the row and its ETag, or a 404 identical to a row that does not exist', async () => {
    const mismatches: string[] = [];
    for (const name of PRINCIPAL_NAMES) {
      const p = f.principals[name];
      const visitor = visitorOf(p);
      for (const table of TABLE_ORDER) {
        const missing = await p.client.get(`/api/tables/${table}/missing-${randomUUID()}`);
        if (missing.status !== 404 || missing.body?.code !== 'row-not-found') {
          mismatches.push(`${name} GET ${table}/<missing>: expected 404 row-not-found, got ${missing.status} ${missing.text.slice(0, 200)}`);
        }
        for (const row of f.data[table]!) {
          const id = String(row.values['id']);
          const what = `${name} GET ${row.label}`;
          const mark = await lastAuditId();
          const response = await p.client.get(`/api/tables/${table}/${id}`);
          if (f.oracle.can(visitor, 'read', table, row.values)) {
            const expected = f.oracle.apiRow(visitor, table, row);
            if (response.status !== 200) {
              mismatches.push(`${what}: expected 200, got ${response.status} ${response.text.slice(0, 200)}`);
              continue;
            }
            try {
              assert.deepStrictEqual(response.body, expected);
            } catch {
              mismatches.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(response.body)}`);
            }
            if (response.headers.get('etag') !== expected['_etag']) {
              mismatches.push(`${what}: ETag ${response.headers.get('etag')} instead of ${String(expected['_etag'])}`);
            }
          } else {
            try {
              assert.equal(response.status, 404);
              assert.deepStrictEqual(withoutInstance(response.body), withoutInstance(missing.body));
            } catch {
              mismatches.push(`${what}: expected the same 404 as a missing row, got ${response.status} ${response.text.slice(0, 200)}`);
              continue;
            }
            await expectAudit(mismatches, what, mark, 'permission-denied', p);
          }
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('PATCH: 200 on writable rows, 403 on readable but not writable ones, 404 outside read scope', async () => {
    const mismatches: string[] = [];
    for (const name of PRINCIPAL_NAMES) {
      const p = f.principals[name];
      const visitor = visitorOf(p);
      for (const table of TABLE_ORDER) {
        const column = WRITE_COLUMN[table]!;
        for (const row of f.data[table]!) {
          const id = String(row.values['id']);
          const what = `${name} PATCH ${row.label}`;
          const value = `${String(row.values[column] ?? table).slice(0, 40)} / edited by ${name}`;
          const before = await f.stored(table, id);
          const mark = await lastAuditId();
          const response = await p.client.request('PATCH', `/api/tables/${table}/${id}`, {
            json: { [column]: value },
            headers: { 'if-match': `"${row.rowversion}"` },
          });
          const readable = f.oracle.can(visitor, 'read', table, row.values);
          const writable = f.oracle.can(visitor, 'write', table, row.values);
          if (readable && writable) {
            if (response.status !== 200) {
              mismatches.push(`${what}: expected 200, got ${response.status} ${response.text.slice(0, 300)}`);
              continue;
            }
            row.values[column] = value;
            row.rowversion += 1;
            row.modifiedon = f.t.clock.now();
            const expected = f.oracle.apiRow(visitor, table, row);
            try {
              assert.deepStrictEqual(response.body, expected);
            } catch {
              mismatches.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(response.body)}`);
            }
            if (response.headers.get('etag') !== `"${row.rowversion}"`) mismatches.push(`${what}: ETag ${response.headers.get('etag')}`);
            const after = await f.stored(table, id);
            if (after?.[column] !== value || Number(after?.['rowversion']) !== row.rowversion) {
              mismatches.push(`${what}: stored row not updated: ${JSON.stringify(after)}`);
            }
            await expectAudit(mismatches, what, mark, 'data-change', p);
            continue;
          }
          const status = readable ? 403 : 404;
          const code = readable ? 'permission-denied' : 'row-not-found';
          if (response.status !== status || response.body?.code !== code) {
            mismatches.push(`${what}: expected ${status} ${code}, got ${response.status} ${response.text.slice(0, 300)}`);
          }
          const after = await f.stored(table, id);
          if (JSON.stringify(after) !== JSON.stringify(before)) mismatches.push(`${what}: refused, yet the stored row changed to ${JSON.stringify(after)}`);
          if (response.status === status) await expectAudit(mismatches, what, mark, 'permission-denied', p);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  /** The bodies a create matrix tries for a table: one per candidate parent for parent-scoped tables. */
  function createBodies(table: string, principal: string): Record<string, unknown>[] {
    const parents = (parentTable: string) => [...f.data[parentTable]!.map((row) => String(row.values['id'])), `${parentTable}-missing`];
    switch (table) {
      case 'account':
        return [{ name: `Account by ${principal}` }];
      case 'contact':
        return [{ nickname: `contact by ${principal}` }];
      case 'ticket':
        return [{ title: `Ticket by ${principal}`, status: 'open' }];
      case 'note':
        return parents('ticket').map((ticketid) => ({ text: `Note by ${principal}`, ticketid }));
      case 'attachment':
        return parents('note').map((noteid) => ({ filename: `${principal}.txt`, noteid }));
      case 'announcement':
        return [{ headline: `News by ${principal}`, published: true, publishon: '2024-06-01T08:00:00.000Z' }];
      case 'project':
        return [{ name: `Project by ${principal}` }];
      case 'task':
        return parents('project').map((projectid) => ({ title: `Task by ${principal}`, projectid }));
      case 'feedback':
        return [{ message: `Feedback by ${principal}` }];
      case 'vault':
        return [{ content: `Vault by ${principal}` }];
      default:
        throw new Error(table);
    }
  }

  test('POST: 201 within the create scope with ownership set by the server; 403 without a grant or outside it; 400 for unreadable lookups', async () => {
    const mismatches: string[] = [];
    for (const name of PRINCIPAL_NAMES) {
      const p = f.principals[name];
      const visitor = visitorOf(p);
      for (const table of TABLE_ORDER) {
        for (const body of createBodies(table, name)) {
          const what = `${name} POST ${table} ${JSON.stringify(body).replace(/"(ticket|note|project)-[^"]*"/g, (id) => f.labelOf(JSON.parse(id)))}`;
          const expected = f.oracle.create(visitor, table, body);
          const counts = await f.counts();
          const mark = await lastAuditId();
          const response = await p.client.post(`/api/tables/${table}`, body);
          if (expected.status !== 201) {
            if (response.status !== expected.status || response.body?.code !== expected.code) {
              mismatches.push(`${what}: expected ${expected.status} ${expected.code}, got ${response.status} ${response.text.slice(0, 300)}`);
            }
            if (JSON.stringify(await f.counts()) !== JSON.stringify(counts)) mismatches.push(`${what}: refused, yet row counts changed`);
            if (response.status === 403) await expectAudit(mismatches, what, mark, 'permission-denied', p);
            if (response.status === 201 && typeof response.body?.id === 'string') await f.remove(table, response.body.id);
            continue;
          }
          if (response.status !== 201) {
            mismatches.push(`${what}: expected 201, got ${response.status} ${response.text.slice(0, 300)}`);
            continue;
          }
          const id = response.body?.id;
          if (typeof id !== 'string') {
            mismatches.push(`${what}: 201 without an id: ${response.text.slice(0, 200)}`);
            continue;
          }
          const now = f.t.clock.now();
          const created: FixtureRow = { label: `${table} created by ${name}`, values: { id, ...f.oracle.createdRow(visitor, table, body) }, rowversion: 1, createdon: now, modifiedon: now };
          if (response.headers.get('location') !== `/api/tables/${table}/${id}`) mismatches.push(`${what}: Location ${response.headers.get('location')}`);
          const stored = await f.stored(table, id);
          for (const [column, value] of Object.entries(created.values)) {
            const storedValue = typeof value === 'boolean' ? Number(value) : value;
            if (stored?.[column] !== storedValue) mismatches.push(`${what}: stored ${column} = ${JSON.stringify(stored?.[column])}, expected ${JSON.stringify(storedValue)}`);
          }
          if (Number(stored?.['rowversion']) !== 1 || Number(stored?.['createdon']) !== now) mismatches.push(`${what}: system columns ${JSON.stringify(stored)}`);
          if (f.oracle.can(visitor, 'read', table, created.values)) {
            const shown = f.oracle.apiRow(visitor, table, created);
            try {
              assert.deepStrictEqual(response.body, shown);
            } catch {
              mismatches.push(`${what}: expected ${JSON.stringify(shown)}, got ${JSON.stringify(response.body)}`);
            }
            if (response.headers.get('etag') !== '"1"') mismatches.push(`${what}: ETag ${response.headers.get('etag')}`);
          }
          await expectAudit(mismatches, what, mark, 'data-change', p);
          await f.remove(table, id);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('DELETE: 204 on deletable rows, 403 on readable but not deletable ones, 404 outside read scope', async () => {
    const mismatches: string[] = [];
    for (const name of PRINCIPAL_NAMES) {
      const p = f.principals[name];
      const visitor = visitorOf(p);
      for (const table of TABLE_ORDER) {
        for (const original of [...f.data[table]!]) {
          // A clone (same columns, no rows pointing at it) is what gets deleted, so the dataset stays whole.
          const row = CLONABLE.has(table)
            ? await f.insert(table, `${original.label.split(' ')[1]}-clone`, { ...original.values, id: `${table}-clone-${randomUUID()}` })
            : original;
          const id = String(row.values['id']);
          const what = `${name} DELETE ${original.label}${row === original ? '' : ' (clone)'}`;
          const readable = f.oracle.can(visitor, 'read', table, row.values);
          const deletable = f.oracle.can(visitor, 'delete', table, row.values);
          const mark = await lastAuditId();
          const response = await p.client.request('DELETE', `/api/tables/${table}/${id}`, { headers: { 'if-match': `"${row.rowversion}"` } });
          const gone = (await f.stored(table, id)) === undefined;
          if (readable && deletable) {
            if (response.status !== 204 || !gone) mismatches.push(`${what}: expected 204 and the row gone, got ${response.status} ${response.text.slice(0, 300)} (gone: ${gone})`);
            else await expectAudit(mismatches, what, mark, 'data-change', p);
          } else {
            const status = readable ? 403 : 404;
            const code = readable ? 'permission-denied' : 'row-not-found';
            if (response.status !== status || response.body?.code !== code) {
              mismatches.push(`${what}: expected ${status} ${code}, got ${response.status} ${response.text.slice(0, 300)}`);
            } else {
              await expectAudit(mismatches, what, mark, 'permission-denied', p);
            }
            if (gone) mismatches.push(`${what}: refused, yet the row is gone`);
          }
          if (row !== original) await f.remove(table, id);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  /**
   * Associate: `POST /api/tables/:table/:id/associate { column, target }`. Expected: 404 for a row the
   * visitor cannot read; 400 invalid-row for a target they cannot read (missing or hidden: the same
   * answer); 403 without append on the row or appendTo on the target; else 200 and the lookup set.
   */
  test('associate: needs append on the row and appendTo on the target, both checked', async () => {
    const mismatches: string[] = [];
    const cases = [
      { table: 'note', column: 'ticketid', target: 'ticket' },
      { table: 'attachment', column: 'noteid', target: 'note' },
      { table: 'task', column: 'projectid', target: 'project' },
    ];
    for (const name of PRINCIPAL_NAMES) {
      const p = f.principals[name];
      const visitor = visitorOf(p);
      for (const { table, column, target } of cases) {
        const targets: (string | null)[] = [...f.data[target]!.map((row) => String(row.values['id'])), `${target}-missing`, null];
        for (const original of [...f.data[table]!]) {
          for (const targetId of targets) {
            const row = await f.insert(table, `${original.label.split(' ')[1]}-clone`, { ...original.values, id: `${table}-clone-${randomUUID()}` });
            const id = String(row.values['id']);
            const what = `${name} associate ${original.label}.${column} → ${targetId === null ? 'null' : f.labelOf(targetId)}`;
            const targetRow = targetId === null ? undefined : f.oracle.find(target, targetId);
            let expected: { status: number; code?: string };
            if (!f.oracle.canColumn(visitor, 'read', table, column)) expected = { status: 400, code: 'invalid-row' };
            else if (!f.oracle.can(visitor, 'read', table, row.values)) expected = { status: 404, code: 'row-not-found' };
            else if (targetId !== null && (!targetRow || !f.oracle.can(visitor, 'read', target, targetRow))) expected = { status: 400, code: 'invalid-row' };
            else if (!f.oracle.can(visitor, 'append', table, row.values) || (targetRow && !f.oracle.can(visitor, 'appendTo', target, targetRow))) {
              expected = { status: 403, code: 'permission-denied' };
            } else expected = { status: 200 };
            const mark = await lastAuditId();
            const response = await p.client.post(`/api/tables/${table}/${id}/associate`, { column, target: targetId });
            const stored = await f.stored(table, id);
            if (expected.status === 200) {
              if (response.status !== 200 && response.status !== 204) {
                mismatches.push(`${what}: expected 200, got ${response.status} ${response.text.slice(0, 300)}`);
              } else {
                if (stored?.[column] !== targetId) mismatches.push(`${what}: stored ${column} = ${String(stored?.[column])}`);
                if (Number(stored?.['rowversion']) !== row.rowversion + 1) mismatches.push(`${what}: rowversion ${String(stored?.['rowversion'])}`);
                row.values[column] = targetId;
                row.rowversion += 1;
                row.modifiedon = f.t.clock.now();
                if (response.status === 200 && f.oracle.can(visitor, 'read', table, row.values)) {
                  const shown = f.oracle.apiRow(visitor, table, row);
                  try {
                    assert.deepStrictEqual(response.body, shown);
                  } catch {
                    mismatches.push(`${what}: expected ${JSON.stringify(shown)}, got ${JSON.stringify(response.body)}`);
                  }
                }
                await expectAudit(mismatches, what, mark, 'data-change', p);
              }
            } else {
              if (response.status !== expected.status || response.body?.code !== expected.code) {
                mismatches.push(`${what}: expected ${expected.status} ${expected.code}, got ${response.status} ${response.text.slice(0, 300)}`);
              } else if (expected.status !== 400) {
                await expectAudit(mismatches, what, mark, 'permission-denied', p);
              }
              if (stored?.[column] !== original.values[column] || Number(stored?.['rowversion']) !== 1) {
                mismatches.push(`${what}: refused, yet the stored row changed: ${JSON.stringify(stored)}`);
              }
            }
            await f.remove(table, id);
          }
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('PATCH and DELETE need If-Match: 428 without it, 412 when stale, nothing changed', async () => {
    const a = f.principals.A;
    const row = f.row('ticket', 'a2');
    const id = String(row.values['id']);
    const before = await f.stored('ticket', id);

    const missing = await a.client.request('PATCH', `/api/tables/ticket/${id}`, { json: { title: 'no precondition' } });
    assert.equal(missing.status, 428);
    assert.equal(missing.body.code, 'precondition-required');
    const stale = await a.client.request('PATCH', `/api/tables/ticket/${id}`, { json: { title: 'stale' }, headers: { 'if-match': `"${row.rowversion + 7}"` } });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition-failed');
    const garbage = await a.client.request('PATCH', `/api/tables/ticket/${id}`, { json: { title: 'garbage' }, headers: { 'if-match': 'W/"1" , *' } });
    assert.equal(garbage.status, 412);
    const deleteMissing = await a.client.request('DELETE', `/api/tables/ticket/${id}`);
    assert.equal(deleteMissing.status, 428);
    assert.equal(deleteMissing.body.code, 'precondition-required');
    const deleteStale = await a.client.request('DELETE', `/api/tables/ticket/${id}`, { headers: { 'if-match': `"${row.rowversion + 1}"` } });
    assert.equal(deleteStale.status, 412);
    assert.equal(deleteStale.body.code, 'precondition-failed');
    assert.deepEqual(await f.stored('ticket', id), before);

    // The ETag a GET returns is the one a PATCH takes, and the PATCH returns the next one.
    const read = await a.client.get(`/api/tables/ticket/${id}`);
    const etag = read.headers.get('etag')!;
    assert.equal(etag, read.body._etag);
    const patched = await a.client.request('PATCH', `/api/tables/ticket/${id}`, { json: { status: 'open' }, headers: { 'if-match': etag } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.status, 'open');
    assert.equal(patched.headers.get('etag'), `"${Number(JSON.parse(etag)) + 1}"`);
    assert.equal(patched.body._etag, patched.headers.get('etag'));
    row.values['status'] = 'open';
    row.rowversion += 1;
    row.modifiedon = f.t.clock.now();
  });

  test('DELETE of a row other rows still refer to is 409 row-referenced and deletes nothing', async () => {
    const a = f.principals.A;
    const ticket = f.row('ticket', 'a1');
    const id = String(ticket.values['id']);
    const counts = await f.counts();
    const response = await a.client.request('DELETE', `/api/tables/ticket/${id}`, { headers: { 'if-match': `"${ticket.rowversion}"` } });
    assert.equal(response.status, 409, response.text);
    assert.equal(response.body.code, 'row-referenced');
    assert.deepEqual(await f.counts(), counts);
  });

  test('a change that would move a row out of the write scope is 403 and changes nothing', async () => {
    // D writes tickets through a global grant (Agents) and her own (contact): moving one is allowed;
    // A writes only through the contact scope, and customerid is an ownership column for her.
    const a = f.principals.A;
    const row = f.row('ticket', 'a2');
    const id = String(row.values['id']);
    const before = await f.stored('ticket', id);
    const moved = await a.client.request('PATCH', `/api/tables/ticket/${id}`, {
      json: { customerid: f.principals.B.contactId },
      headers: { 'if-match': `"${row.rowversion}"` },
    });
    assert.ok(moved.status === 400 || moved.status === 403, `${moved.status} ${moved.text}`);
    assert.deepEqual(await f.stored('ticket', id), before);

    // A task moved (by PATCH) to a project outside D's account projects would leave her write scope.
    const d = f.principals.D;
    const task = f.row('task', 'y2');
    const taskId = String(task.values['id']);
    const taskBefore = await f.stored('task', taskId);
    const away = await d.client.request('PATCH', `/api/tables/task/${taskId}`, {
      json: { projectid: 'project-x' },
      headers: { 'if-match': `"${task.rowversion}"` },
    });
    // project-x is not readable by D: the lookup is refused before anything else.
    assert.equal(away.status, 400, away.text);
    assert.equal(away.body.code, 'invalid-row');
    assert.deepEqual(await f.stored('task', taskId), taskBefore);

    // Detaching the task from its project (null) takes it out of the parent scope: 403, nothing changed.
    const detached = await d.client.request('PATCH', `/api/tables/task/${taskId}`, {
      json: { projectid: null },
      headers: { 'if-match': `"${task.rowversion}"` },
    });
    assert.equal(detached.status, 403, detached.text);
    assert.equal(detached.body.code, 'permission-denied');
    assert.deepEqual(await f.stored('task', taskId), taskBefore);
  });

  test('PATCH /me: the visitor\'s own contact row, with the ETag GET /me gives, under the same column rules', async () => {
    const a = f.principals.A;
    const b = f.principals.B;
    const aRow = f.row('contact', 'A');

    const me = await a.client.get('/me');
    assert.equal(me.status, 200);
    const expectedProfile = f.oracle.apiRow(visitorOf(a), 'contact', aRow);
    assert.deepStrictEqual(me.body.profile, expectedProfile);
    assert.equal(me.headers.get('etag'), expectedProfile['_etag']);
    assert.equal('creditlimit' in me.body.profile, false, 'A cannot read creditlimit');
    assert.equal('username_key' in me.body.profile || 'email_key' in me.body.profile, false);

    assert.equal((await a.client.request('PATCH', '/me', { json: { nickname: 'no etag' } })).status, 428);
    const stale = await a.client.request('PATCH', '/me', { json: { nickname: 'stale' }, headers: { 'if-match': '"99"' } });
    assert.equal(stale.status, 412);

    for (const column of ['email', 'username', 'accountid']) {
      const value = column === 'accountid' ? 'acc-y' : `hijack-${column}@example.test`;
      const refused = await a.client.request('PATCH', '/me', { json: { [column]: value }, headers: { 'if-match': me.headers.get('etag')! } });
      assert.equal(refused.status, 400, `${column}: ${refused.text}`);
      assert.ok(['invalid-row', 'validation-failed'].includes(refused.body.code), refused.text);
      assert.deepEqual(refused.body.errors.map((e: { path: string }) => e.path), [`/${column}`]);
    }
    for (const [column, value] of [['id', 'someone-else'], ['rowversion', 99], ['_etag', '"99"'], ['createdon', '2000-01-01T00:00:00.000Z'], ['email_key', 'x']] as const) {
      const refused = await a.client.request('PATCH', '/me', { json: { [column]: value }, headers: { 'if-match': me.headers.get('etag')! } });
      assert.equal(refused.status, 400, `${column}: ${refused.text}`);
      assert.equal(refused.body.code, 'validation-failed', `${column}: ${refused.text}`);
    }
    assert.deepEqual(await f.stored('contact', a.contactId!).then((row) => Number(row?.['rowversion'])), aRow.rowversion);

    // Hidden (A) and read-only (B) get the same answer.
    const hidden = await a.client.request('PATCH', '/me', { json: { creditlimit: 1e9 }, headers: { 'if-match': me.headers.get('etag')! } });
    const bMe = await b.client.get('/me');
    assert.equal(bMe.body.profile.creditlimit, f.row('contact', 'B').values['creditlimit'], 'B reads creditlimit');
    const readOnly = await b.client.request('PATCH', '/me', { json: { creditlimit: 1e9 }, headers: { 'if-match': bMe.headers.get('etag')! } });
    assert.equal(hidden.status, 400, hidden.text);
    assert.equal(hidden.body.code, 'invalid-row');
    assert.deepStrictEqual(withoutInstance(hidden.body), withoutInstance(readOnly.body));

    const changed = await a.client.request('PATCH', '/me', { json: { nickname: 'Ace', firstname: 'Alice' }, headers: { 'if-match': me.headers.get('etag')! } });
    assert.equal(changed.status, 200, changed.text);
    aRow.values['nickname'] = 'Ace';
    aRow.values['firstname'] = 'Alice';
    aRow.rowversion += 1;
    aRow.modifiedon = f.t.clock.now();
    assert.deepStrictEqual(changed.body, f.oracle.apiRow(visitorOf(a), 'contact', aRow));
    assert.equal((await a.client.get('/me')).body.profile.nickname, 'Ace');

    const anonymous = await f.principals.anonymous.client.request('PATCH', '/me', { json: { nickname: 'x' }, headers: { 'if-match': '"1"' } });
    assert.equal(anonymous.status, 401);
  });

  test('refused writes of columns (hidden, read-only, ownership, unreadable lookups) are audited as permission-denied', async () => {
    const a = f.principals.A;
    const row = f.row('ticket', 'a2');
    const id = String(row.values['id']);
    const attempts: [string, () => Promise<{ status: number }>][] = [
      ['POST hidden column', () => a.client.post('/api/tables/ticket', { title: 'x', secret: 'mine' })],
      ['POST read-only column', () => a.client.post('/api/tables/ticket', { title: 'x', priority: 9 })],
      ['POST ownership column', () => a.client.post('/api/tables/ticket', { title: 'x', customerid: f.principals.C.contactId })],
      ['POST unreadable lookup', () => a.client.post('/api/tables/note', { text: 'x', ticketid: 'ticket-c1' })],
      ['PATCH hidden column', () => a.client.request('PATCH', `/api/tables/ticket/${id}`, { json: { secret: 'x' }, headers: { 'if-match': `"${row.rowversion}"` } })],
    ];
    const mismatches: string[] = [];
    for (const [what, attempt] of attempts) {
      const mark = await lastAuditId();
      const response = await attempt();
      if (response.status !== 400) mismatches.push(`${what}: status ${response.status}`);
      await expectAudit(mismatches, what, mark, 'permission-denied', a);
    }
    assert.deepEqual(mismatches, []);
  });
});
