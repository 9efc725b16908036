import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDataFixture, visitorOf, withoutInstance } from '../support/data-fixture.js';
import type { DataFixture, Principal } from '../support/data-fixture.js';
import { integrityCheck, schemaObjects as catalogObjects } from '../support/db-introspection.js';

/**
 * The data API under attack, over real HTTP against a real SQLite file: IDOR on every route, mass
 * assignment, hidden columns through the query language, SQL injection in every parameter, query
 * limits, cursors, lost updates, stored XSS, oversized and poisoned bodies, anonymous visitors.
 * Every test checks the outcome *and* that the database is intact.
 */

const q = encodeURIComponent;

/** A refusal with the column name taken out, to compare "hidden" with "does not exist". */
function anonymised(body: unknown, name: string): unknown {
  return JSON.parse(JSON.stringify(withoutInstance(body)).replaceAll(name, '<column>'));
}

describe('data API: hostile requests', () => {
  let f: DataFixture;
  let a: Principal;

  beforeEach(async () => {
    f = await startDataFixture();
    a = f.principals.A;
  });

  afterEach(async () => {
    await f?.close();
  });

  const integrity = (): Promise<string> => integrityCheck(f.db);
  const schemaObjects = (): Promise<string[]> => catalogObjects(f.db);

  /** A snapshot of every data row, to prove a refusal changed nothing. */
  async function snapshot(): Promise<string> {
    const tables: Record<string, unknown[]> = {};
    for (const table of Object.keys(f.data)) tables[table] = await f.db.selectFrom(table).selectAll().orderBy('id').execute();
    return JSON.stringify(tables);
  }

  test('IDOR: A names B\'s and C\'s rows on every route and learns nothing; nothing changes', async () => {
    const before = await snapshot();
    const foreign = [
      ['ticket', 'ticket-b1'],
      ['ticket', 'ticket-c1'],
      ['ticket', 'ticket-u1'],
      ['note', 'note-b1'],
      ['note', 'note-c1'],
      ['attachment', 'attachment-c1'],
      ['contact', f.principals.B.contactId!],
      ['contact', f.principals.C.contactId!],
      ['account', 'acc-y'],
      ['project', 'project-y'],
      ['task', 'task-y'],
      ['feedback', 'feedback-c'],
      ['vault', 'vault-one'],
    ] as const;
    for (const [table, id] of foreign) {
      const missingId = `${table}-does-not-exist`;
      const pairs: [string, (target: string) => Promise<{ status: number; body: any; text: string }>][] = [
        ['GET', (target) => a.client.get(`/api/tables/${table}/${target}`)],
        ['PATCH', (target) => a.client.request('PATCH', `/api/tables/${table}/${target}`, { json: { [writable(table)]: 'pwned' }, headers: { 'if-match': '"1"' } })],
        ['DELETE', (target) => a.client.request('DELETE', `/api/tables/${table}/${target}`, { headers: { 'if-match': '"1"' } })],
      ];
      const lookup = LOOKUPS[table];
      if (lookup) pairs.push(['associate', (target) => a.client.post(`/api/tables/${table}/${target}/associate`, { column: lookup.column, target: lookup.own })]);
      for (const [route, send] of pairs) {
        const hidden = await send(id);
        const missing = await send(missingId);
        // Without read on the table at all, associate refuses the column itself (400): no row is looked at.
        const status = route === 'associate' && !f.oracle.canTable(visitorOf(a), 'read', table) ? 400 : 404;
        assert.equal(hidden.status, status, `${route} ${table}/${f.labelOf(id)}: ${hidden.text}`);
        assert.equal(hidden.body.code, status === 404 ? 'row-not-found' : 'invalid-row');
        assert.deepStrictEqual(withoutInstance(hidden.body), withoutInstance(missing.body), `${route} ${table}: hidden and missing rows answer alike`);
      }
    }
    // Pointing a lookup at someone else's row (create, update, associate) is the same as a missing one.
    const lookupAttempts: [string, string, (target: string) => Promise<{ status: number; body: any; text: string }>][] = [
      ['POST note', 'ticket', (target) => a.client.post('/api/tables/note', { text: 'mine now', ticketid: target })],
      ['POST attachment', 'note', (target) => a.client.post('/api/tables/attachment', { filename: 'mine.txt', noteid: target })],
      ['PATCH attachment', 'note', (target) => a.client.request('PATCH', '/api/tables/attachment/attachment-a1', { json: { noteid: target }, headers: { 'if-match': '"1"' } })],
      ['associate attachment', 'note', (target) => a.client.post('/api/tables/attachment/attachment-a1/associate', { column: 'noteid', target })],
      ['associate note', 'ticket', (target) => a.client.post('/api/tables/note/note-a2/associate', { column: 'ticketid', target })],
    ];
    const foreignTargets: Record<string, string[]> = { ticket: ['ticket-b1', 'ticket-c1', 'ticket-u1'], note: ['note-b1', 'note-c1', 'note-x1', 'note-orphan'] };
    for (const [route, targetTable, send] of lookupAttempts) {
      const missing = await send(`${targetTable}-does-not-exist`);
      assert.equal(missing.status, 400, `${route} → missing: ${missing.text}`);
      assert.equal(missing.body.code, 'invalid-row', `${route} → missing: ${missing.text}`);
      for (const target of foreignTargets[targetTable]!) {
        const hidden = await send(target);
        assert.deepStrictEqual(withoutInstance(hidden.body), withoutInstance(missing.body), `${route} → ${target}: same answer as a missing row`);
      }
    }
    // A filter on a foreign id finds nothing.
    for (const [table, id] of foreign.filter(([table]) => f.oracle.canTable(visitorOf(a), 'read', table))) {
      const list = await a.client.get(`/api/tables/${table}?filter=${q(`id eq '${id}'`)}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.rows, [], `${table} filter on ${f.labelOf(id)}`);
    }
    assert.equal(await snapshot(), before);
  });

  test('mass assignment: owner, account, id, system columns, _etag and hidden or read-only columns are refused; nothing is stored', async () => {
    const c = f.principals.C;
    const ticket = f.row('ticket', 'a2');
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['owner', { customerid: c.contactId }, ['invalid-row']],
      ['own id as owner', { customerid: a.contactId }, ['invalid-row']],
      ['account', { accountid: 'acc-y' }, ['invalid-row']],
      ['id', { id: 'chosen-by-attacker' }, ['validation-failed']],
      ['createdon', { createdon: '2000-01-01T00:00:00.000Z' }, ['validation-failed']],
      ['createdon as a number', { createdon: 0 }, ['validation-failed']],
      ['modifiedon', { modifiedon: '2000-01-01T00:00:00.000Z' }, ['validation-failed']],
      ['rowversion', { rowversion: 1000 }, ['validation-failed']],
      ['_etag', { _etag: '"1000"' }, ['validation-failed']],
      ['_actions', { _actions: ['read', 'write', 'delete'] }, ['validation-failed']],
      ['hidden column', { secret: 'planted' }, ['invalid-row']],
      ['read-only column', { priority: 1 }, ['invalid-row']],
      ['internal column', { username_key: 'x' }, ['validation-failed']],
    ];
    const before = await snapshot();
    for (const [what, extra, codes] of cases) {
      const created = await a.client.post('/api/tables/ticket', { title: `mass assignment: ${what}`, ...extra });
      assert.equal(created.status, 400, `POST ${what}: ${created.text}`);
      assert.ok(codes.includes(created.body.code), `POST ${what}: ${created.text}`);
      assert.deepEqual(created.body.errors.map((error: { path: string }) => error.path), [`/${Object.keys(extra)[0]}`], `POST ${what}`);
      const patched = await a.client.request('PATCH', `/api/tables/ticket/${ticket.values['id']}`, { json: extra, headers: { 'if-match': `"${ticket.rowversion}"` } });
      assert.equal(patched.status, 400, `PATCH ${what}: ${patched.text}`);
      assert.ok(codes.includes(patched.body.code), `PATCH ${what}: ${patched.text}`);
    }
    // Hidden and read-only get the same answer (no oracle for which columns exist but are hidden).
    const hidden = await a.client.post('/api/tables/ticket', { title: 'x', secret: 'planted' });
    const readOnly = await a.client.post('/api/tables/ticket', { title: 'x', priority: 1 });
    assert.deepStrictEqual(anonymised(hidden.body, 'secret'), anonymised(readOnly.body, 'priority'));
    // Associating an ownership column does not move a row to someone else either.
    const moved = await a.client.post(`/api/tables/ticket/${ticket.values['id']}/associate`, { column: 'customerid', target: c.contactId });
    assert.ok([400, 403].includes(moved.status), `associate customerid: ${moved.text}`);
    const movedAccount = await a.client.post(`/api/tables/ticket/${ticket.values['id']}/associate`, { column: 'accountid', target: 'acc-x' });
    assert.ok([400, 403].includes(movedAccount.status), `associate accountid: ${movedAccount.text}`);
    assert.equal(await snapshot(), before);

    // What the server sets, it sets: the stored owner is A and her account, whatever else happened.
    const ok = await a.client.post('/api/tables/ticket', { title: 'a legitimate ticket' });
    assert.equal(ok.status, 201, ok.text);
    const stored = await f.stored('ticket', ok.body.id);
    assert.equal(stored?.['customerid'], a.contactId);
    assert.equal(stored?.['accountid'], a.accountId);
    assert.equal(stored?.['secret'], null);
    assert.equal(stored?.['priority'], null);
    assert.equal(Number(stored?.['rowversion']), 1);
  });

  test('hidden columns in select, filter and orderBy get exactly the error a nonexistent column gets; search never looks in them', async () => {
    const probes: [string, (column: string) => string][] = [
      ['select', (column) => `select=${q(`title,${column}`)}`],
      ['filter eq', (column) => `filter=${q(`${column} eq 'x'`)}`],
      ['filter contains', (column) => `filter=${q(`contains(${column}, 'class')`)}`],
      ['filter null', (column) => `filter=${q(`${column} ne null`)}`],
      ['filter nested', (column) => `filter=${q(`title ne 'x' and (not (${column} eq 'x'))`)}`],
      ['orderBy', (column) => `orderBy=${q(column)}`],
      ['orderBy desc', (column) => `orderBy=${q(`title asc, ${column} desc`)}`],
    ];
    const hiddenColumns: [string, string, Principal][] = [
      ['ticket', 'secret', a],
      ['ticket', 'secret', f.principals.B],
      ['contact', 'creditlimit', a],
      ['contact', 'creditlimit', f.principals.D],
      ['contact', 'username_key', a],
      ['contact', 'email_key', f.principals.B],
    ];
    for (const [table, hidden, p] of hiddenColumns) {
      const nonexistent = 'x'.repeat(hidden.length);
      for (const [what, query] of probes) {
        const refused = await p.client.get(`/api/tables/${table}?${query(hidden)}`);
        const unknown = await p.client.get(`/api/tables/${table}?${query(nonexistent)}`);
        assert.equal(refused.status, 400, `${p.name} ${what} ${table}.${hidden}: ${refused.text}`);
        assert.equal(refused.body.code, 'unknown-column', `${p.name} ${what} ${table}.${hidden}: ${refused.text}`);
        assert.deepStrictEqual(anonymised(refused.body, hidden), anonymised(unknown.body, nonexistent), `${p.name} ${what} ${table}.${hidden}`);
      }
    }
    // D (Agents) may read the secret: the same queries work for her.
    const d = f.principals.D;
    const selected = await d.client.get(`/api/tables/ticket?select=${q('title,secret')}&orderBy=title&filter=${q("contains(secret, 'classified')")}`);
    assert.equal(selected.status, 200, selected.text);
    assert.equal(selected.body.rows.length, f.data['ticket']!.length);

    // select narrows the columns; a sort column that is not selected is not shown either.
    const narrow = await a.client.get(`/api/tables/ticket?select=title&orderBy=${q('status desc')}`);
    assert.equal(narrow.status, 200, narrow.text);
    assert.ok(narrow.body.rows.length > 0);
    for (const row of narrow.body.rows) assert.deepEqual(Object.keys(row).sort(), ['_actions', '_etag', 'createdon', 'id', 'modifiedon', 'title']);

    // search covers readable searchable columns only: "classified" is in every ticket's secret.
    for (const p of [a, f.principals.B, f.principals.C]) {
      const search = await p.client.get('/api/tables/ticket?search=classified');
      assert.equal(search.status, 200, search.text);
      assert.deepEqual(search.body.rows, [], `${p.name} found tickets through the hidden column`);
      assert.doesNotMatch(JSON.stringify((await p.client.get('/api/tables/ticket')).body), /classified/);
    }
    const dSearch = await d.client.get('/api/tables/ticket?search=classified');
    assert.equal(dSearch.status, 200);
    assert.deepEqual(dSearch.body.rows.map((row: { id: string }) => row.id).sort(), f.oracle.visibleIds(visitorOf(d), 'ticket'));
    // A table whose only searchable columns are hidden is unsearchable, like one with none.
    const noSearch = await a.client.get('/api/tables/attachment?search=pdf');
    assert.equal(noSearch.status, 400, noSearch.text);
    assert.equal(noSearch.body.code, 'search-unavailable');
  });

  test('SQL injection in every query parameter, the id, the table name and body values is refused or inert; the database is intact', async () => {
    const counts = await f.counts();
    const schema = await schemaObjects();
    const visible = new Set(f.oracle.visibleIds(visitorOf(a), 'ticket'));
    const payloads = [
      "' OR '1'='1",
      "' OR 1=1 --",
      "1; DROP TABLE note; --",
      "title; DROP TABLE note",
      "\") OR 1=1 --",
      "%27 OR %271%27=%271",
      "' UNION SELECT secret, secret FROM ticket --",
      "title eq 'a' or 1 eq 1",
      "title eq 'x'' or ''1''=''1'",
      "(SELECT secret FROM ticket)",
      "secret",
      "title/**/desc",
      "title desc; DELETE FROM ticket",
      "\\' OR 1=1 #",
      "ticket\u0000",
      "tícket",
      "%",
      "_",
      "*",
      "../contact",
      "'||(SELECT secret FROM ticket LIMIT 1)||'",
    ];
    for (const parameter of ['select', 'filter', 'orderBy', 'search', 'top', 'cursor']) {
      for (const payload of payloads) {
        const response = await a.client.get(`/api/tables/ticket?${parameter}=${q(payload)}`);
        const what = `${parameter}=${JSON.stringify(payload)}`;
        assert.ok(response.status === 200 || response.status === 400, `${what}: ${response.status} ${response.text}`);
        assert.match(response.headers.get('content-type') ?? '', /json/, what);
        assert.doesNotMatch(response.text, /classified|SQLITE_|syntax error|violates|does not exist|at .*\.js:\d+/, `${what} leaked: ${response.text}`);
        if (response.status === 200) {
          for (const row of response.body.rows) assert.ok(visible.has(row.id), `${what} returned ${f.labelOf(row.id)}`);
          // search is a literal phrase: none of these strings occurs in A's readable columns.
          if (parameter === 'search') assert.deepEqual(response.body.rows, [], what);
        }
      }
    }
    // A filter literal that looks like SQL is just text.
    const literal = await a.client.get(`/api/tables/ticket?filter=${q("title eq 'x'' OR ''1''=''1'")}`);
    assert.equal(literal.status, 200, literal.text);
    assert.deepEqual(literal.body.rows, []);

    // Table names and ids.
    for (const payload of ['ticket;drop table note', "ticket' --", 'ticket%27', '%27', '..%2Fcontact', 'tícket', 'TICKET', 'pk_sessions', 'pk_audit', 'sqlite_master', 'ticket%00', 'ticket"', 'ticket as r', 'constructor', '__proto__']) {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
        const path = method === 'POST' || method === 'GET' ? `/api/tables/${payload}` : `/api/tables/${payload}/ticket-a1`;
        const response = await a.client.request(method, path, { ...(method === 'GET' || method === 'DELETE' ? {} : { json: { title: 'x' } }), headers: { 'if-match': '"1"' } });
        assert.ok([400, 404].includes(response.status), `${method} ${path}: ${response.status} ${response.text}`);
        assert.doesNotMatch(response.text, /SQLITE_|no such table|does not exist|syntax error/, `${method} ${path}`);
      }
    }
    for (const payload of ["ticket-a1' OR '1'='1", "ticket-a1'--", "' OR 1=1 --", 'ticket-a1;DROP TABLE note', '%27', '../ticket-a1', 'ticket-a1%00', '*', '%', 'x'.repeat(100)]) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const response = await a.client.request(method, `/api/tables/ticket/${q(payload)}`, { ...(method === 'PATCH' ? { json: { title: 'x' } } : {}), headers: { 'if-match': '"1"' } });
        assert.ok([400, 404].includes(response.status), `${method} id ${JSON.stringify(payload)}: ${response.status} ${response.text}`);
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, `${method} id ${JSON.stringify(payload)}: ${response.text}`);
      }
      const associate = await a.client.post('/api/tables/note/note-a2/associate', { column: 'ticketid', target: payload });
      assert.ok([400, 404].includes(associate.status), `associate target ${JSON.stringify(payload)}: ${associate.status}`);
    }
    for (const column of ['ticketid; DROP TABLE note', "ticketid' --", 'ticketid"', 'text']) {
      const associate = await a.client.post('/api/tables/note/note-a2/associate', { column, target: 'ticket-a1' });
      assert.equal(associate.status, 400, `associate column ${JSON.stringify(column)}: ${associate.text}`);
    }
    // Body keys that are not columns, and values that look like SQL, stored verbatim.
    const badKey = await a.client.post('/api/tables/ticket', { title: 'x', 'title; DROP TABLE note; --': 'y' });
    assert.equal(badKey.status, 400, badKey.text);
    const created: string[] = [];
    for (const payload of ["'); DROP TABLE note; --", "' OR '1'='1", 'Robert\'); DELETE FROM ticket WHERE (\'1\'=\'1', '\u202Egnp.exe', '💥 ünïcödé 𝕏', "x'||(SELECT secret FROM ticket)||'"]) {
      const response = await a.client.post('/api/tables/ticket', { title: payload, body: payload });
      assert.equal(response.status, 201, `${JSON.stringify(payload)}: ${response.text}`);
      created.push(response.body.id);
      const read = await a.client.get(`/api/tables/ticket/${response.body.id}`);
      assert.equal(read.body.title, payload);
      assert.equal(read.body.body, payload);
      const found = await a.client.get(`/api/tables/ticket?filter=${q(`title eq '${payload.replaceAll("'", "''")}'`)}`);
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.body.rows.map((row: { id: string }) => row.id), [response.body.id]);
    }

    assert.equal(await integrity(), 'ok');
    assert.deepEqual(await schemaObjects(), schema);
    assert.deepEqual(await f.counts(), { ...counts, ticket: counts['ticket']! + created.length });
  });

  test('paths the router refuses (broken percent-encoding, over-long segments) still get problem+json, not framework errors', async () => {
    for (const path of ['/api/tables/ticket/%E0%A4%A', '/api/tables/%E0%A4%A', `/api/tables/${'t'.repeat(120)}`, `/api/tables/ticket/${'i'.repeat(120)}`]) {
      const response = await a.client.get(path);
      assert.ok([400, 404, 414].includes(response.status), `GET ${path}: ${response.status}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, `GET ${path.slice(0, 60)}: ${response.text}`);
    }
  });

  test('filter limits: depth, number of terms, length and string length are enforced with 400', async () => {
    const get = (filter: string) => a.client.get(`/api/tables/ticket?filter=${q(filter)}`);
    const nest = (depth: number) => `${'('.repeat(depth)}title eq 'x'${')'.repeat(depth)}`;
    assert.equal((await get(nest(10))).status, 200);
    const deep = await get(nest(11));
    assert.equal(deep.status, 400, deep.text);
    assert.equal(deep.body.code, 'filter-too-deep');
    const nots = await get(`${'not '.repeat(11)}title eq 'x'`);
    assert.equal(nots.status, 400);
    assert.equal(nots.body.code, 'filter-too-deep');
    const absurd = await get(nest(900));
    assert.equal(absurd.status, 400, 'a very deep filter is refused, not a stack overflow');
    assert.ok(['filter-too-deep', 'filter-too-long', 'validation-failed'].includes(absurd.body.code), absurd.text);

    const terms = (n: number) => Array.from({ length: n }, (_, i) => `title eq 't${i}'`).join(' or ');
    assert.equal((await get(terms(50))).status, 200);
    const complex = await get(terms(51));
    assert.equal(complex.status, 400);
    assert.equal(complex.body.code, 'filter-too-complex');

    const padded = (length: number) => `title eq 'x'`.padEnd(length, ' ');
    assert.equal((await get(padded(2000))).status, 200);
    const long = await get(padded(2001));
    assert.equal(long.status, 400, long.text);
    assert.ok(['filter-too-long', 'validation-failed'].includes(long.body.code), long.text);

    const longString = await get(`title eq '${'s'.repeat(501)}'`);
    assert.equal(longString.status, 400);
    assert.equal(longString.body.code, 'filter-string-too-long');

    for (const broken of ["title eq 'unterminated", 'title eq', 'title', "title eq 'a' and", "(title eq 'a'", "title eq 'a')", "title like 'a'", "title eq 'a' or or title eq 'b'", '', ' ']) {
      const response = await get(broken);
      assert.equal(response.status, 400, `${JSON.stringify(broken)}: ${response.text}`);
      assert.equal(response.body.code, 'filter-syntax', JSON.stringify(broken));
    }
    const mismatch = await get('priority eq \'high\'');
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.code, 'filter-type-mismatch');
  });

  test('top: 0, -1, 501, 1e9, abc and friends are 400 invalid-top; 1 and 500 work', async () => {
    for (const top of ['0', '-1', '501', '1e9', '1000000000', 'abc', '1.5', ' 5', '', '0x10', '+5', 'Infinity', 'NaN']) {
      const response = await a.client.get(`/api/tables/ticket?top=${q(top)}`);
      assert.equal(response.status, 400, `top=${JSON.stringify(top)}: ${response.text}`);
      assert.ok(['invalid-top', 'validation-failed'].includes(response.body.code), `top=${JSON.stringify(top)}: ${response.text}`);
      if (top.length <= 10) assert.equal(response.body.code, 'invalid-top', `top=${JSON.stringify(top)}`);
    }
    const twice = await a.client.get('/api/tables/ticket?top=1&top=2');
    assert.equal(twice.status, 400, twice.text);
    const one = await a.client.get('/api/tables/ticket?top=1');
    assert.equal(one.status, 200);
    assert.equal(one.body.rows.length, 1);
    assert.equal(typeof one.body.nextCursor, 'string');
    const max = await a.client.get('/api/tables/ticket?top=500');
    assert.equal(max.status, 200);
    assert.equal(max.body.nextCursor, undefined);
  });

  test('top defaults to 50 and cursors page through exactly the readable rows, in order, for several sorts', async () => {
    const d = f.principals.D;
    // Give D more than a default page of tickets: 70 of her own.
    for (let i = 0; i < 70; i++) {
      await f.insert('ticket', `bulk${i}`, { id: `ticket-bulk-${String(i).padStart(2, '0')}`, title: `Bulk ${i % 7}`, status: i % 3 === 0 ? null : i % 3 === 1 ? 'open' : 'closed',
        customerid: d.contactId, accountid: 'acc-y', priority: i % 5 });
    }
    const expected = f.oracle.visibleIds(visitorOf(d), 'ticket');
    const first = await d.client.get('/api/tables/ticket');
    assert.equal(first.status, 200);
    assert.equal(first.body.rows.length, 50);
    assert.equal(typeof first.body.nextCursor, 'string');

    for (const orderBy of [undefined, 'title', 'title desc', 'status', 'status desc, title', 'priority desc, createdon', 'createdon desc']) {
      const seen: Record<string, unknown>[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const params = new URLSearchParams({ top: '7' });
        if (orderBy) params.set('orderBy', orderBy);
        if (cursor) params.set('cursor', cursor);
        const page = await d.client.get(`/api/tables/ticket?${params}`);
        assert.equal(page.status, 200, `${orderBy}: ${page.text}`);
        seen.push(...page.body.rows);
        cursor = page.body.nextCursor;
        assert.ok(++pages < 50, 'paging terminates');
      } while (cursor);
      const ids = seen.map((row) => String(row['id']));
      assert.equal(new Set(ids).size, ids.length, `${orderBy}: no row twice`);
      assert.deepEqual([...ids].sort(), expected, `${orderBy}: every readable row once`);
      if (orderBy?.startsWith('title')) {
        const titles = seen.map((row) => String(row['title']));
        const sorted = [...titles].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        assert.deepEqual(titles, orderBy === 'title desc' ? sorted.reverse() : sorted, `${orderBy}: in order`);
      }
    }
  });

  /**
   * One list as a visitor pages it: the whole list in one page is exactly `expected` (ids, any order),
   * in the order `orderBy` promises (checked here, independently of the server), and pages of 4
   * through the cursor give the same rows in the same order, each once.
   */
  async function checkPaging(who: Principal, table: string, query: { orderBy: string; filter: string; search?: string }, expected: readonly string[]): Promise<void> {
    const key = `${who.name} ${table}|${query.orderBy}|${query.filter}|${query.search ?? ''}`;
    const params = (extra: Record<string, string>) => {
      const p = new URLSearchParams(extra);
      if (query.orderBy) p.set('orderBy', query.orderBy);
      if (query.filter) p.set('filter', query.filter);
      if (query.search) p.set('search', query.search);
      return p;
    };
    const whole = await who.client.get(`/api/tables/${table}?${params({ top: '500' })}`);
    assert.equal(whole.status, 200, `${key}: ${whole.text}`);
    const all = whole.body.rows as Record<string, unknown>[];
    assert.deepEqual(all.map((row) => String(row['id'])).sort(), [...expected].sort(), `${key}: exactly the readable rows`);
    assert.ok(all.length > 4, `${key}: several pages (${all.length} rows)`);
    // The order the ORDER BY promises: keys, then id in the last key's direction; NULL first ascending.
    const keys = (query.orderBy || 'createdon desc').split(',').map((item) => item.trim().split(' ') as [string, string?]);
    const direction = keys.at(-1)![1] === 'desc' ? -1 : 1;
    const compare = (x: Record<string, unknown>, y: Record<string, unknown>): number => {
      for (const [column, dir] of keys) {
        const [u, v] = [x[column] ?? null, y[column] ?? null];
        if (u === v) continue;
        const sign = dir === 'desc' ? -1 : 1;
        if (u === null) return -sign;
        if (v === null) return sign;
        if (typeof u === 'number' && typeof v === 'number') return (u - v) * sign;
        return (String(u) < String(v) ? -1 : 1) * sign;
      }
      return (String(x['id']) < String(y['id']) ? -1 : 1) * direction;
    };
    assert.deepEqual(all.map((row) => row['id']), [...all].sort(compare).map((row) => row['id']), `${key}: in order`);
    const paged: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await who.client.get(`/api/tables/${table}?${params({ top: '4', ...(cursor ? { cursor } : {}) })}`);
      assert.equal(page.status, 200, `${key}: ${page.text}`);
      paged.push(...page.body.rows);
      cursor = page.body.nextCursor;
      assert.ok(++pages < 40, 'paging terminates');
    } while (cursor);
    assert.deepEqual(paged, all, `${key}: pages = one page`);
  }

  test('parent-scope lists (rows fetched after ordering): every page, order, filter and cursor as in one page', async () => {
    // B reads notes on own tickets ∪ account X's tickets (one IN over a UNION ALL), A the attachments
    // on notes on own tickets (three levels). Enough rows for several pages; some filtered out, some
    // out of scope, some sharing a createdon (the id tie-breaker decides), some with no ticket.
    const b = f.principals.B;
    const tickets = ['a1', 'b1', 'x1', 'c1', 'd1'];
    for (let i = 0; i < 40; i++) {
      const note = await f.insert('note', `bulk${i}`, {
        id: `note-bulk-${String(i).padStart(2, '0')}`,
        text: `${i % 4 === 0 ? 'System' : 'Agent'}: bulk ${i}`,
        ticketid: i % 9 === 8 ? null : `ticket-${tickets[i % tickets.length]}`,
      });
      if (i % 5 === 1) {
        note.createdon = 1_700_000_000_000;
        await f.db.updateTable('note').set({ createdon: note.createdon }).where('id', '=', String(note.values['id'])).execute();
      }
      await f.insert('attachment', `bulk${i}`, { id: `attachment-bulk-${String(i).padStart(2, '0')}`, filename: `${i % 3 === 0 ? 'log' : 'scan'}-${i % 6}.pdf`, noteid: String(note.values['id']) });
    }
    const expected = (who: Principal, table: string, filter: string): string[] => {
      const [column, excluded] = table === 'note' ? ['text', 'System'] : ['filename', 'log'];
      return f.oracle.visibleIds(visitorOf(who), table).filter((id) => {
        const row = f.data[table]!.find((candidate) => candidate.values['id'] === id)!;
        return !filter || !String(row.values[column]).startsWith(excluded);
      });
    };
    for (const orderBy of ['', 'createdon desc', 'createdon', 'ticketid', 'ticketid desc, createdon desc']) {
      for (const filter of ['', "not startswith(text, 'System')"]) await checkPaging(b, 'note', { orderBy, filter }, expected(b, 'note', filter));
    }
    for (const orderBy of ['', 'filename', 'filename desc', 'noteid']) {
      for (const filter of ['', "not startswith(filename, 'log')"]) await checkPaging(a, 'attachment', { orderBy, filter }, expected(a, 'attachment', filter));
    }
  });

  test('lists reached two ways (own ∪ account tickets, each way paged alone): every page, order, filter, search and cursor as in one page', async () => {
    // B reads own tickets ∪ account X's, C own ∪ account Y's: each way is its own ordered query, cut at
    // the page size, then merged. Rows in both ways (own tickets in the own account) must come once;
    // rows in one way only (B's ticket filed under account Y, account X's tickets of nobody) must come
    // at all; filtered-out rows in one way must not shorten the page; ties on createdon and NULL sort
    // keys must page through the id tie-breaker.
    const [b, c] = [f.principals.B, f.principals.C];
    const customers = [b.contactId!, f.principals.A.contactId!, c.contactId!, null];
    const accounts = ['acc-x', 'acc-y', null];
    for (let i = 0; i < 45; i++) {
      const ticket = await f.insert('ticket', `bulk${i}`, {
        id: `ticket-bulk-${String(i).padStart(2, '0')}`,
        title: i % 7 === 3 ? `Same title` : `Ticket ${String.fromCharCode(97 + ((i * 11) % 26))} ${i}`,
        body: i % 5 < 2 ? 'printer on fire' : 'all quiet',
        status: i % 4 === 0 ? 'closed' : i % 6 === 1 ? null : 'open',
        priority: i % 3 === 0 ? null : i % 3,
        customerid: customers[i % customers.length],
        accountid: accounts[i % accounts.length],
        secret: `classified bulk ${i}`,
      });
      if (i % 4 === 2) {
        ticket.createdon = 1_700_000_000_000;
        await f.db.updateTable('ticket').set({ createdon: ticket.createdon }).where('id', '=', String(ticket.values['id'])).execute();
      }
    }
    const expected = (who: Principal, filter: (row: Record<string, unknown>) => boolean): string[] =>
      f.oracle.visibleIds(visitorOf(who), 'ticket').filter((id) => filter(f.data['ticket']!.find((row) => row.values['id'] === id)!.values));
    const notClosed = (row: Record<string, unknown>) => row['status'] !== 'closed';
    const burning = (row: Record<string, unknown>) => String(row['title']).includes('fire') || String(row['body']).includes('fire');
    for (const who of [b, c]) {
      for (const orderBy of ['', 'createdon desc', 'createdon', 'title', 'priority desc, title', 'status, createdon desc']) {
        await checkPaging(who, 'ticket', { orderBy, filter: '' }, expected(who, () => true));
        await checkPaging(who, 'ticket', { orderBy, filter: "status ne 'closed'" }, expected(who, notClosed));
      }
      if (who === b) await checkPaging(who, 'ticket', { orderBy: '', filter: '', search: 'fire' }, expected(who, burning));
    }
  });

  test('malformed, tampered and foreign cursors are 400 invalid-cursor', async () => {
    const d = f.principals.D;
    const page = await d.client.get('/api/tables/ticket?top=2&orderBy=title');
    const cursor = page.body.nextCursor as string;
    assert.equal(typeof cursor, 'string');
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...decoded, k: decoded.k.map(() => 'A') }), 'utf8').toString('base64url');
    const malformed = ['abc', '!!!', '%00', "' OR 1=1 --", Buffer.from('{"v":1}').toString('base64url'), Buffer.from('[]').toString('base64url'), Buffer.from('null').toString('base64url'), forged, `${cursor}A`, cursor.slice(1), 'A'.repeat(2000)];
    for (const bad of malformed) {
      const response = await d.client.get(`/api/tables/ticket?top=2&orderBy=title&cursor=${q(bad)}`);
      assert.equal(response.status, 400, `cursor ${bad.slice(0, 40)}: ${response.text}`);
      assert.equal(response.body.code, 'invalid-cursor', `cursor ${bad.slice(0, 40)}`);
    }
    const huge = await d.client.get(`/api/tables/ticket?cursor=${'A'.repeat(5000)}`);
    assert.equal(huge.status, 400);
    // A cursor made for another query: other table, other sort, other filter, other search.
    const foreign = [
      `/api/tables/note?top=2&orderBy=title&cursor=${q(cursor)}`,
      `/api/tables/ticket?top=2&orderBy=${q('title desc')}&cursor=${q(cursor)}`,
      `/api/tables/ticket?top=2&orderBy=status&cursor=${q(cursor)}`,
      `/api/tables/ticket?top=2&orderBy=title&filter=${q("status eq 'open'")}&cursor=${q(cursor)}`,
      `/api/tables/ticket?top=2&orderBy=title&search=Ticket&cursor=${q(cursor)}`,
    ];
    for (const path of foreign) {
      const response = await d.client.get(path);
      assert.equal(response.status, 400, `${path}: ${response.text}`);
      assert.ok(['invalid-cursor', 'unknown-column'].includes(response.body.code), `${path}: ${response.text}`);
    }
    // D's cursor in A's hands pages through A's rows only.
    const borrowed = await a.client.get(`/api/tables/ticket?top=2&orderBy=title&cursor=${q(cursor)}`);
    assert.equal(borrowed.status, 200, borrowed.text);
    const mine = new Set(f.oracle.visibleIds(visitorOf(a), 'ticket'));
    for (const row of borrowed.body.rows) assert.ok(mine.has(row.id), `borrowed cursor returned ${f.labelOf(row.id)}`);
  });

  test('lost update: two PATCHes with the same ETag in parallel, exactly one 200 and one 412', async () => {
    const row = f.row('ticket', 'a1');
    const id = String(row.values['id']);
    for (let round = 0; round < 8; round++) {
      const read = await a.client.get(`/api/tables/ticket/${id}`);
      const etag = read.headers.get('etag')!;
      const [first, second] = await Promise.all([
        a.client.request('PATCH', `/api/tables/ticket/${id}`, { json: { title: `first ${round}` }, headers: { 'if-match': etag } }),
        a.client.clone().request('PATCH', `/api/tables/ticket/${id}`, { json: { title: `second ${round}` }, headers: { 'if-match': etag } }),
      ]);
      assert.deepEqual([first.status, second.status].sort(), [200, 412], `round ${round}: ${first.text} / ${second.text}`);
      const winner = first.status === 200 ? `first ${round}` : `second ${round}`;
      const stored = await f.stored('ticket', id);
      assert.equal(stored?.['title'], winner);
      assert.equal(Number(stored?.['rowversion']), Number(JSON.parse(etag)) + 1);
    }
    // A delete racing an update: exactly one wins too.
    const racer = await f.insert('ticket', 'racer', { id: 'ticket-racer', title: 'racer', customerid: a.contactId, accountid: a.accountId });
    const [patch, remove] = await Promise.all([
      a.client.request('PATCH', `/api/tables/ticket/${racer.values['id']}`, { json: { title: 'changed' }, headers: { 'if-match': '"1"' } }),
      a.client.clone().request('DELETE', `/api/tables/ticket/${racer.values['id']}`, { headers: { 'if-match': '"1"' } }),
    ]);
    const outcome = JSON.stringify([patch.status, remove.status]);
    assert.ok(['[200,412]', '[404,204]', '[412,204]'].includes(outcome), `patch ${patch.status} / delete ${remove.status}`);
    const stored = await f.stored('ticket', 'ticket-racer');
    assert.equal(stored === undefined, remove.status === 204);
  });

  test('stored XSS payloads come back verbatim as inert JSON strings', async () => {
    const payloads = ['<img src=x onerror=alert(1)>', '</script><script>alert(1)</script>', '"><svg onload=alert(1)>', 'javascript:alert(1)', '{{constructor.constructor(\'alert(1)\')()}}'];
    for (const payload of payloads) {
      const created = await a.client.post('/api/tables/ticket', { title: payload, body: payload });
      assert.equal(created.status, 201, created.text);
      for (const path of [`/api/tables/ticket/${created.body.id}`, `/api/tables/ticket?filter=${q(`id eq '${created.body.id}'`)}`]) {
        const response = await a.client.get(path);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        const row = 'rows' in response.body ? response.body.rows[0] : response.body;
        assert.equal(row.title, payload);
        assert.equal(row.body, payload);
        assert.equal(JSON.parse(response.text) !== null, true, 'the body is JSON');
      }
    }
  });

  test('oversized bodies are 413; bodies the route accepts but the columns do not are 400; nothing is stored', async () => {
    const counts = await f.counts();
    const huge = { title: 'big', body: 'x'.repeat(300 * 1024) };
    const created = await a.client.post('/api/tables/ticket', huge);
    assert.equal(created.status, 413, created.text.slice(0, 200));
    assert.equal(created.body.code, 'payload-too-large');
    const patched = await a.client.request('PATCH', '/api/tables/ticket/ticket-a1', { json: huge, headers: { 'if-match': '"1"' } });
    assert.equal(patched.status, 413);
    const medium = await a.client.post('/api/tables/ticket', { title: 'medium', body: 'x'.repeat(20 * 1024) });
    assert.equal(medium.status, 400, medium.text.slice(0, 300));
    assert.equal(medium.body.code, 'validation-failed');
    assert.deepEqual(medium.body.errors.map((error: { path: string }) => error.path), ['/body']);
    const manyKeys = await a.client.post('/api/tables/ticket', Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])));
    assert.equal(manyKeys.status, 400);
    assert.ok(manyKeys.body.errors.length <= 100, `${manyKeys.body.errors.length} errors echoed`);
    for (const body of ['[]', '"x"', '42', 'null', '{"title": "x",}', '{"title": "x"']) {
      const response = await a.client.request('POST', '/api/tables/ticket', { raw: body, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, `${body}: ${response.text}`);
    }
    const plain = await a.client.request('POST', '/api/tables/ticket', { raw: 'title=x', headers: { 'content-type': 'text/plain' } });
    assert.equal(plain.status, 415);
    assert.deepEqual(await f.counts(), counts);
  });

  test('__proto__ and constructor in bodies neither pollute nor set anything', async () => {
    const counts = await f.counts();
    const c = f.principals.C;
    const bodies = [
      `{"title":"proto","__proto__":{"customerid":"${c.contactId}","polluted":true}}`,
      '{"title":"ctor","constructor":{"prototype":{"polluted":true}}}',
      '{"__proto__":{"title":"inherited"}}',
    ];
    for (const body of bodies) {
      const response = await a.client.request('POST', '/api/tables/ticket', { raw: body, headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 400, `${body}: ${response.text}`);
      const patched = await a.client.request('PATCH', '/api/tables/ticket/ticket-a1', { raw: body, headers: { 'content-type': 'application/json', 'if-match': '"1"' } });
      assert.equal(patched.status, 400, `PATCH ${body}: ${patched.text}`);
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(({} as Record<string, unknown>)['customerid'], undefined);
    assert.deepEqual(await f.counts(), counts);
    assert.equal((await f.stored('ticket', 'ticket-a1'))?.['title'], 'Ticket a1');
  });

  test('state-changing data requests need the SDK header and an allowed Origin', async () => {
    const counts = await f.counts();
    const noHeader = await a.client.post('/api/tables/ticket', { title: 'csrf' }, { headers: { 'x-portalkit-request': undefined } });
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.body.code, 'csrf-rejected');
    const evil = await a.client.post('/api/tables/ticket', { title: 'csrf' }, { headers: { origin: 'https://evil.example' } });
    assert.equal(evil.status, 403);
    const del = await a.client.request('DELETE', '/api/tables/ticket/ticket-a2', { headers: { 'if-match': '"1"', 'x-portalkit-request': undefined } });
    assert.equal(del.status, 403);
    assert.deepEqual(await f.counts(), counts);
  });

  test('anonymous visitors: create where granted (no owner set), never see contact- or account-scoped rows', async () => {
    const anonymous = f.principals.anonymous;
    const created = await anonymous.client.post('/api/tables/feedback', { message: 'hello from nobody' });
    assert.equal(created.status, 201, created.text);
    const stored = await f.stored('feedback', created.body.id);
    assert.equal(stored?.['contactid'], null);
    assert.equal(stored?.['message'], 'hello from nobody');
    const audit = await f.db.selectFrom('pk_audit').selectAll().where('action', '=', 'data-change').where('subject', '=', `feedback/${created.body.id}`).execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, null);

    const counts = await f.counts();
    for (const contactid of [a.contactId, 'someone-else']) {
      const owned = await anonymous.client.post('/api/tables/feedback', { message: 'claiming', contactid });
      assert.equal(owned.status, 400, owned.text);
      assert.equal(owned.body.code, 'invalid-row');
    }
    assert.deepEqual(await f.counts(), counts);

    for (const table of ['ticket', 'note', 'attachment', 'contact', 'account', 'project', 'task', 'feedback', 'vault']) {
      for (const query of ['', '?filter=id%20ne%20null', '?search=a', '?top=500']) {
        const list = await anonymous.client.get(`/api/tables/${table}${query}`);
        assert.equal(list.status, 403, `anonymous ${table}${query}: ${list.text}`);
        assert.equal(list.body.code, 'permission-denied');
      }
      for (const row of f.data[table]!) {
        const one = await anonymous.client.get(`/api/tables/${table}/${row.values['id']}`);
        assert.equal(one.status, 404, `anonymous ${row.label}`);
      }
    }
    const announcements = await anonymous.client.get('/api/tables/announcement');
    assert.equal(announcements.status, 200);
    assert.deepEqual(announcements.body.rows.map((row: { id: string }) => row.id).sort(), ['announcement-one', 'announcement-two']);
    for (const row of announcements.body.rows) assert.deepEqual(row._actions, ['read']);
  });
});

/** A column each table lets a writer change, for PATCH attempts. */
function writable(table: string): string {
  return ({ ticket: 'title', note: 'text', attachment: 'filename', contact: 'nickname', account: 'name', project: 'name', task: 'title', feedback: 'message', vault: 'content' } as Record<string, string>)[table]!;
}

/** For associate attempts: each table's lookup column and a target A can legitimately name. */
const LOOKUPS: Readonly<Record<string, { column: string; own: string }>> = {
  note: { column: 'ticketid', own: 'ticket-a1' },
  attachment: { column: 'noteid', own: 'note-a1' },
  task: { column: 'projectid', own: 'project-x' },
};
