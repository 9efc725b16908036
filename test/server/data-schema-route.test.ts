import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import type { TestClient } from '../support/http-client.js';
import { signedInVisitor } from '../support/signed-in.js';
import { withoutInstance } from '../support/data-fixture.js';

/**
 * `GET /api/schema/:table` over real HTTP with the demo configuration: what each visitor may see and
 * set, hidden columns absent, and one indistinguishable 404 for unknown and forbidden tables.
 */
interface Column {
  name: string;
  type: string;
  required: boolean;
  maxLength?: number;
  options?: string[];
  lookup?: string;
  searchable: boolean;
  sortable: boolean;
  create: boolean;
  update: boolean;
}
interface Schema {
  table: string;
  displayName: string;
  columns: Column[];
  privileges: Record<string, boolean>;
}

describe('data API: GET /api/schema/:table', () => {
  let t: TestServer;
  let anonymous: TestClient;
  let anna: TestClient;
  let paul: TestClient;
  let sam: TestClient;

  before(async () => {
    t = await startTestServer();
    anonymous = t.client();
    anna = (await signedInVisitor(t, 'schema-anna@example.test')).client;
    paul = (await signedInVisitor(t, 'schema-paul@example.test', ['Partner Managers'])).client;
    sam = (await signedInVisitor(t, 'schema-sam@example.test', ['Support Agents'])).client;
  });
  after(() => t?.close());

  async function schemaOf(client: TestClient, table: string): Promise<Schema> {
    const response = await client.get<Schema>(`/api/schema/${table}`);
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    return response.body;
  }
  const column = (schema: Schema, name: string): Column | undefined => schema.columns.find((c) => c.name === name);
  const names = (schema: Schema): string[] => schema.columns.map((c) => c.name);

  test('anonymous: the public announcement table, read-only; incident is 404', async () => {
    const schema = await schemaOf(anonymous, 'announcement');
    assert.deepEqual(names(schema), ['id', 'createdon', 'modifiedon', 'headline', 'published']);
    assert.deepEqual(schema.privileges, { read: true, write: false, create: false, delete: false, append: false, appendTo: false });
    assert.deepEqual(column(schema, 'headline'), { name: 'headline', displayName: 'Headline', type: 'string', required: true, maxLength: 200, searchable: true, sortable: false, create: false, update: false });
    assert.equal((await anonymous.get('/api/schema/incident')).status, 404);
  });

  test('a contact: their incident columns, ownership columns never settable, internalnotes absent', async () => {
    const schema = await schemaOf(anna, 'incident');
    assert.equal(schema.table, 'incident');
    assert.equal(schema.displayName, 'Incident');
    assert.deepEqual(schema.privileges, { read: true, write: true, create: true, delete: false, append: false, appendTo: true });
    assert.deepEqual(names(schema), ['id', 'createdon', 'modifiedon', 'title', 'description', 'status', 'priority', 'customerid', 'accountid']);
    assert.ok(!JSON.stringify(schema).includes('internalnotes'), 'a hidden column never appears');
    assert.deepEqual(column(schema, 'title'), { name: 'title', displayName: 'Title', type: 'string', required: true, maxLength: 200, searchable: true, sortable: true, create: true, update: true });
    assert.deepEqual(column(schema, 'status'), { name: 'status', displayName: 'Status', type: 'choice', required: false, options: ['open', 'in progress', 'closed'], searchable: false, sortable: true, create: true, update: true });
    assert.deepEqual(column(schema, 'customerid'), { name: 'customerid', displayName: 'Customer', type: 'lookup', required: false, lookup: 'contact', searchable: false, sortable: false, create: false, update: false });
    assert.equal(column(schema, 'accountid')?.create, false);
    for (const system of ['id', 'createdon', 'modifiedon']) {
      assert.equal(column(schema, system)?.create, false);
      assert.equal(column(schema, system)?.update, false);
    }
    assert.equal(column(schema, 'createdon')?.type, 'datetime');
  });

  test('a contact on their own contact row: creditlimit hidden, server-managed columns read-only', async () => {
    const schema = await schemaOf(anna, 'contact');
    assert.deepEqual(schema.privileges, { read: true, write: true, create: false, delete: false, append: false, appendTo: false });
    assert.equal(column(schema, 'creditlimit'), undefined);
    assert.ok(!JSON.stringify(schema).includes('creditlimit'));
    assert.equal(column(schema, 'jobtitle')?.update, true);
    assert.equal(column(schema, 'jobtitle')?.create, false, 'no create privilege: nothing is creatable');
    for (const managed of ['email', 'username', 'accountid']) {
      const found = column(schema, managed);
      if (found) assert.equal(found.update, false, `${managed} is set by the server`);
    }
  });

  test('a partner manager reads creditlimit but cannot change it', async () => {
    const schema = await schemaOf(paul, 'contact');
    assert.deepEqual(column(schema, 'creditlimit'), { name: 'creditlimit', displayName: 'Credit limit', type: 'decimal', required: false, searchable: false, sortable: false, create: false, update: false });
    const incident = await schemaOf(paul, 'incident');
    assert.equal(column(incident, 'internalnotes'), undefined);
  });

  test('a support agent: every incident column, ownership columns settable through the global grant', async () => {
    const schema = await schemaOf(sam, 'incident');
    assert.deepEqual(schema.privileges, { read: true, write: true, create: true, delete: true, append: false, appendTo: true });
    assert.deepEqual(column(schema, 'internalnotes'), { name: 'internalnotes', displayName: 'Internal notes', type: 'text', required: false, maxLength: 4000, searchable: false, sortable: false, create: true, update: true });
    assert.equal(column(schema, 'customerid')?.create, true);
    assert.equal(column(schema, 'customerid')?.update, true);
    const note = await schemaOf(sam, 'note');
    assert.equal(note.privileges['append'], true);
    assert.equal(column(note, 'incidentid')?.lookup, 'incident');
  });

  test('an unknown table and a table the visitor has no privilege on give the same 404', async () => {
    const denied = await anonymous.get('/api/schema/incident');
    const unknown = await anonymous.get('/api/schema/incidenx');
    const unknownForSam = await sam.get('/api/schema/incidenx');
    for (const response of [denied, unknown, unknownForSam]) {
      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    const normalized = (body: unknown, name: string) => JSON.parse(JSON.stringify(withoutInstance(body)).replaceAll(name, 'TABLE'));
    assert.deepEqual(normalized(denied.body, 'incident'), normalized(unknown.body, 'incidenx'));
    assert.deepEqual(normalized(unknown.body, 'incidenx'), normalized(unknownForSam.body, 'incidenx'));
    assert.equal((denied.body as { code: string }).code, 'unknown-table');
    // The same answer the data API gives for an unknown table.
    const list = await anonymous.get('/api/tables/incidenx');
    assert.deepEqual(withoutInstance(list.body), withoutInstance(unknown.body));
    // The server's own tables are never data tables.
    assert.equal((await anna.get('/api/schema/pk_sessions')).status, 404);
    assert.equal((await anna.get('/api/schema/pk_contact_roles')).status, 404);
  });

  test('malformed names answer 400 or 404 safely, never 500, never another table', async () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Incident', 'incident%00', "incident'%20or%201=1", '..%2Fportal.config.json', '%E2%80%AEincident', 'a'.repeat(64)];
    for (const name of names) {
      const response = await sam.get(`/api/schema/${name}`);
      assert.equal(response.status, 404, `${name}: ${response.text}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    const tooLong = await sam.get(`/api/schema/${'a'.repeat(65)}`);
    assert.equal(tooLong.status, 400);
    assert.equal((await sam.get('/api/schema/')).status, 404);
    assert.equal((await sam.get('/api/schema/incident/extra')).status, 404);
  });

  test('only GET: writes to the schema route are not routes', async () => {
    const response = await sam.post('/api/schema/incident', {});
    assert.equal(response.status, 404);
  });
});
