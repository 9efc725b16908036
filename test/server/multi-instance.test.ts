import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDataConfig } from '../support/data-fixture.js';
import { openEventStream } from '../support/event-stream.js';
import type { SseStream } from '../support/event-stream.js';
import { TestClient } from '../support/http-client.js';
import { clearRateLimits, createContact, signIn } from '../support/local-accounts.js';
import { DEMO_CONFIG_FILE, startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import { runPortalkit } from '../support/run-cli.js';
import { serveChild } from '../support/serve-child.js';
import type { ServedChild } from '../support/serve-child.js';
import { signedInVisitor } from '../support/signed-in.js';
import { createTestStorage, TEST_ENGINE } from '../support/test-database.js';
import type { TestStorage } from '../support/test-database.js';

/**
 * Several instances over one database, as behind a load balancer: nothing a visitor depends on may
 * live in one instance's memory. Runs on both engines (three processes can share a SQLite file too);
 * on PostgreSQL it is the deployment the engine is for, and events travel by LISTEN/NOTIFY.
 */

/** The budget for a change on one instance to reach a page connected to another. */
const DELIVERY_BUDGET_MS = 2_000;

/** A client for `server` carrying the cookies `from` holds (the same browser, routed elsewhere). */
function sameBrowser(from: TestClient, server: TestServer): TestClient {
  const client = server.client();
  for (const [name, value] of from.cookies) client.cookies.set(name, value);
  return client;
}

describe(`three instances over one ${TEST_ENGINE} database`, () => {
  let storage: TestStorage;
  let instances: TestServer[];
  const streams: SseStream[] = [];

  before(async () => {
    storage = await createTestStorage();
    instances = [];
    // One after the other: the first migrates and syncs, the others find the schema current.
    for (let i = 0; i < 3; i++) {
      instances.push(await startTestServer({ storage, configure: (config) => void (config.authentication!.local!.registration = 'open') }));
    }
    const now = instances[0]!.clock.now();
    for (const instance of instances) instance.clock.set(now);
  });
  after(async () => {
    for (const stream of streams) stream.close();
    for (const instance of instances ?? []) await instance.close();
    await storage?.remove();
  });

  test('a session started on one instance is honoured on the others, and ended everywhere by a sign-out on a third', async () => {
    const [a, b, c] = instances as [TestServer, TestServer, TestServer];
    const contact = await createContact(a);
    const browser = a.client();
    assert.equal((await signIn(browser, contact.email, contact.password)).status, 200);
    for (const server of [a, b, c]) {
      const me = await sameBrowser(browser, server).get('/me');
      assert.equal(me.status, 200, `${server.url}: ${me.text}`);
      assert.equal(me.body.id, contact.id);
    }
    assert.equal((await sameBrowser(browser, c).post('/auth/sign-out', {})).status, 204);
    for (const server of [a, b]) assert.equal((await sameBrowser(browser, server).get('/me')).status, 401, server.url);
  });

  test('failed sign-ins count toward one lockout whichever instance they reach', async () => {
    const [a, b, c] = instances as [TestServer, TestServer, TestServer];
    await clearRateLimits(a);
    const contact = await createContact(a);
    // The demo threshold is 5: two failures on a, two on b, one on c lock the account.
    for (const server of [a, a, b, b, c]) assert.equal((await signIn(server.client(), contact.email, 'Wrong-password-99')).status, 401);
    for (const server of [a, b, c]) {
      assert.equal((await signIn(server.client(), contact.email, contact.password)).status, 401, `${server.url} let a locked account in`);
    }
    const credential = await a.server.context.db.selectFrom('pk_credentials').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    assert.equal(credential.failed_attempts, 5);
    assert.ok(credential.locked_until !== null && credential.locked_until > a.clock.now());
  });

  test('a role change on one instance reaches a page connected to another within 2 s; a sign-out on a third ends it', async (context) => {
    const [a, b, c] = instances as [TestServer, TestServer, TestServer];
    const visitor = await signedInVisitor(a, `roles-${process.pid}@example.com`);
    const open = async (server: TestServer): Promise<SseStream> => {
      const stream = await openEventStream(`${server.url}/events`, { origin: server.url, cookie: `${server.server.context.cookie.name}=${visitor.token}` });
      streams.push(stream);
      await stream.until(() => stream.comments.length > 0);
      return stream;
    };
    const onB = await open(b);
    const onC = await open(c);

    // What `portalkit roles assign` does, done by instance a.
    const changedAt = Date.now();
    assert.equal(await a.server.context.contacts.assignRole(visitor.contactId, 'Support Agents'), true);
    await a.server.context.events.publish('permissions-changed', { contactId: visitor.contactId });
    const changed = await onB.next('permissions-changed', DELIVERY_BUDGET_MS);
    await onC.next('permissions-changed', DELIVERY_BUDGET_MS);
    context.diagnostic(`permissions-changed from instance a reached instance b's stream ${changed.receivedAt - changedAt} ms after the change`);
    assert.ok(changed.receivedAt - changedAt < DELIVERY_BUDGET_MS);
    const set = await sameBrowser(visitor.client, b).get('/permissions');
    assert.equal(set.status, 200);
    assert.ok((JSON.parse(Buffer.from(set.text.split('.')[1]!, 'base64url').toString()) as { roles: string[] }).roles.includes('Support Agents'));

    const signedOutAt = Date.now();
    assert.equal((await sameBrowser(visitor.client, a).post('/auth/sign-out', {})).status, 204);
    const ended = await onB.next('session-ended', DELIVERY_BUDGET_MS);
    await onC.next('session-ended', DELIVERY_BUDGET_MS);
    context.diagnostic(`session-ended from instance a reached instance b's stream ${ended.receivedAt - signedOutAt} ms after the sign-out`);
    assert.ok(ended.receivedAt - signedOutAt < DELIVERY_BUDGET_MS);
  });
});

describe(`three portalkit serve processes over one ${TEST_ENGINE} database, one killed with SIGKILL mid-traffic`, () => {
  const EMAIL = 'instances@example.test';
  const PASSWORD = 'Instances-Test-2026!';
  let dir: string;
  let configFile: string;
  let storage: TestStorage;
  const served: ServedChild[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portalkit-instances-'));
    configFile = join(dir, 'portal.config.json');
    const config = JSON.parse(await readFile(DEMO_CONFIG_FILE, 'utf8'));
    delete config.$schema;
    applyDataConfig(config);
    await writeFile(configFile, JSON.stringify(config, null, 2));
    storage = await createTestStorage();
    const added = await runPortalkit(['contacts', 'add', '--config', configFile, ...storage.cliArgs, '--email', EMAIL], { stdin: `${PASSWORD}\n` });
    assert.equal(added.code, 0, added.stderr);
    for (let i = 0; i < 3; i++) served.push(await serveChild(configFile, storage));
  });
  after(async () => {
    for (const { child, exited } of served) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited();
    }
    await storage?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  test('no acknowledged write is lost, and the surviving instances go on serving', async (t) => {
    const [doomed, ...survivors] = served as [ServedChild, ServedChild, ServedChild];
    const first = new TestClient(survivors[0]!.url);
    assert.equal((await first.post('/auth/local/sign-in', { login: EMAIL, password: PASSWORD })).status, 200);
    const clients = served.map(({ url }) => {
      const client = new TestClient(url);
      for (const [name, value] of first.cookies) client.cookies.set(name, value);
      return client;
    });

    const acknowledged: string[] = [];
    const refused: string[] = [];
    let attempted = 0;
    let killed = false;
    let afterKill = 0;
    // Six lanes, two per instance; the doomed instance is killed once 150 creates are acknowledged,
    // and the survivors' lanes go on for another 60 creates after that.
    const lane = async (index: number): Promise<void> => {
      const client = clients[index % 3]!;
      const target = served[index % 3]!;
      while (!killed || (target !== doomed && afterKill < 60)) {
        attempted++;
        let response;
        try {
          response = await client.post('/api/tables/ticket', { title: `instance ${index % 3} lane ${index}`, status: 'open' });
        } catch {
          if (target === doomed) return; // died with this request in flight: never acknowledged
          throw new Error('a surviving instance dropped a request');
        }
        if (response.status === 201 && typeof response.body?.id === 'string') {
          acknowledged.push(response.body.id);
          if (killed) afterKill++;
        } else refused.push(`${response.status} ${response.text.slice(0, 200)}`);
        if (acknowledged.length >= 150 && !killed) {
          killed = true;
          doomed.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, index) => lane(index)));
    await doomed.exited();
    assert.equal(doomed.child.signalCode, 'SIGKILL');
    assert.deepEqual(refused, [], 'every create was acknowledged or cut off by the kill');
    assert.ok(afterKill >= 60, `${afterKill} creates after the kill`);

    // Every acknowledged row is there, through either surviving instance.
    for (const survivor of survivors) {
      const client = clients[served.indexOf(survivor)]!;
      const listed = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await client.get(`/api/tables/ticket?top=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(page.status, 200, page.text);
        for (const row of page.body.rows) listed.add(row.id);
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(acknowledged.filter((id) => !listed.has(id)), [], `${survivor.url} lists every acknowledged ticket`);
      t.diagnostic(`${acknowledged.length} acknowledged, ${attempted} attempted, ${listed.size} listed by ${survivor.url}`);
      assert.ok(listed.size >= acknowledged.length && listed.size <= attempted);
    }
  });
});
