import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
// The same module instance the server uses (`@portalkit/server` resolves to this dist).
import { eventStreamSettings } from '../../packages/server/dist/events/routes.js';
import { openEventStream } from '../support/event-stream.js';
import type { SseStream } from '../support/event-stream.js';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import { demoConfigCopy, runPortalkit } from '../support/run-cli.js';
import { anotherSession, signedInVisitor } from '../support/signed-in.js';
import type { SignedInVisitor } from '../support/signed-in.js';

const SUPPORT_AGENTS = 'Support Agents';

/** How long to listen for an event that must not come: longer than two polls of the event log (250 ms). */
const SILENCE_MS = 700;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /events', () => {
  let t: TestServer;
  let config: Awaited<ReturnType<typeof demoConfigCopy>>;
  const streams: SseStream[] = [];

  /** Opens a stream as a page on an allowed origin would (with the visitor's cookie, if any). */
  async function open(visitor?: SignedInVisitor, headers: Record<string, string> = {}): Promise<SseStream> {
    const cookie = visitor ? { cookie: `${t.server.context.cookie.name}=${visitor.token}` } : {};
    const stream = await openEventStream(`${t.url}/events`, { origin: t.url, ...cookie, ...headers });
    streams.push(stream);
    await stream.until(() => stream.comments.length > 0);
    return stream;
  }

  before(async () => {
    t = await startTestServer();
    config = await demoConfigCopy();
  });
  after(async () => {
    for (const stream of streams) stream.close();
    await t.close();
    await config.remove();
  });

  test('opens an event stream with a retry hint and an initial comment, with CORS for allowed origins', async () => {
    const stream = await open();
    assert.equal(stream.response.status, 200);
    assert.equal(stream.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(stream.response.headers.get('cache-control'), 'no-store');
    assert.equal(stream.response.headers.get('access-control-allow-origin'), t.url);
    assert.equal(stream.response.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(stream.response.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(stream.retries, [2000]);
    assert.equal(stream.events.length, 0);
    assert.ok(!stream.isEnded());
  });

  test('a foreign Origin gets no CORS headers', async () => {
    for (const origin of ['https://evil.example', 'null', `${t.url}.evil.example`]) {
      const stream = await open(undefined, { origin });
      assert.equal(stream.response.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(stream.response.headers.get('access-control-allow-credentials'), null, origin);
      stream.close();
    }
  });

  test('`portalkit roles assign` in another process reaches that contact’s stream within 2 s, and nobody else’s', async (context) => {
    const alice = await signedInVisitor(t, 'alice@example.com', ['Partner Managers']);
    const bob = await signedInVisitor(t, 'bob@example.com', ['Partner Managers']);
    const aliceTab = await open(alice);
    const bobTab = await open(bob);
    const anonymousTab = await open();

    const run = await runPortalkit(['roles', 'assign', '--config', config.file, ...t.storage.cliArgs, '--email', alice.email, '--role', SUPPORT_AGENTS]);
    assert.equal(run.code, 0, run.stderr);
    const event = await aliceTab.next('permissions-changed', 3_000);
    assert.deepEqual(JSON.parse(event.data), { scope: 'contact' });
    assert.match(event.id ?? '', /^\d+$/);

    // Latency measured from the moment the CLI committed the change (the event row's time, written
    // with the real clock by the child process) and from the moment the command was launched.
    const row = await t.server.context.db.selectFrom('pk_events').selectAll().where('id', '=', Number(event.id)).executeTakeFirstOrThrow();
    assert.equal(row.contact_id, alice.contactId);
    const fromCommit = event.receivedAt - Number(row.at);
    const fromLaunch = event.receivedAt - run.startedAt;
    context.diagnostic(`SSE delivery: ${fromCommit} ms after the CLI committed, ${fromLaunch} ms after it was launched`);
    assert.ok(fromCommit >= 0 && fromCommit < 2000, `delivered ${fromCommit} ms after the change`);
    assert.ok(fromLaunch < 2000, `delivered ${fromLaunch} ms after launching the command`);

    // The page refetches and sees the new role.
    const set = await alice.client.get('/permissions');
    assert.ok((decodeJwt(set.text)['roles'] as string[]).includes(SUPPORT_AGENTS));

    await sleep(SILENCE_MS);
    assert.equal(bobTab.events.length, 0, 'bob heard about alice’s change');
    assert.equal(anonymousTab.events.length, 0, 'an anonymous page heard about alice’s change');
  });

  test('a site-wide event (contactId null) reaches every stream, anonymous ones included', async () => {
    const carol = await signedInVisitor(t, 'carol@example.com');
    const carolTab = await open(carol);
    const anonymousTab = await open();
    await t.server.context.events.publish('permissions-changed');
    const [anonymousEvent, carolEvent] = await Promise.all([
      anonymousTab.next('permissions-changed', 1_000),
      carolTab.next('permissions-changed', 1_000),
    ]);
    assert.deepEqual(JSON.parse(anonymousEvent.data), { scope: 'site' });
    assert.equal(carolEvent.id, anonymousEvent.id);
  });

  test('session-ended reaches the other tabs of that session, then their streams close; other sessions hear nothing', async () => {
    const dave = await signedInVisitor(t, 'dave@example.com');
    const otherBrowser = await anotherSession(t, dave);
    const tabOne = await open(dave);
    const tabTwo = await open(dave);
    const elsewhere = await open(otherBrowser);

    // What the sign-out route does: end the session, then tell its pages.
    assert.equal(await t.server.context.sessions.end(dave.idHash, 'sign-out'), true);
    await t.server.context.events.publish('session-ended', { contactId: dave.contactId, sessionHash: dave.idHash });

    for (const tab of [tabOne, tabTwo]) {
      const event = await tab.next('session-ended', 1_000);
      assert.deepEqual(JSON.parse(event.data), { scope: 'session' });
      await tab.until(() => tab.isEnded(), 1_000);
    }
    await sleep(SILENCE_MS);
    assert.equal(elsewhere.events.length, 0);
    assert.ok(!elsewhere.isEnded(), 'the other browser’s stream was closed');

    // A contact-wide permissions change still reaches the surviving session.
    await t.server.context.events.publish('permissions-changed', { contactId: dave.contactId });
    await elsewhere.next('permissions-changed', 1_000);
  });

  test('a session-ended for everyone does not touch anonymous streams', async () => {
    const anonymousTab = await open();
    const erin = await signedInVisitor(t, 'erin@example.com');
    const erinTab = await open(erin);
    await t.server.context.events.publish('session-ended');
    await erinTab.next('session-ended', 1_000);
    await erinTab.until(() => erinTab.isEnded(), 1_000);
    await sleep(SILENCE_MS);
    assert.equal(anonymousTab.events.length, 0);
    assert.ok(!anonymousTab.isEnded());
  });

  test('a reconnecting page gets the events it missed (Last-Event-ID), only its own', async () => {
    const frank = await signedInVisitor(t, 'frank@example.com');
    const grace = await signedInVisitor(t, 'grace@example.com');
    const first = await open(frank);
    await t.server.context.events.publish('permissions-changed', { contactId: frank.contactId });
    const seen = await first.next('permissions-changed', 1_000);
    first.close();

    await t.server.context.events.publish('permissions-changed', { contactId: grace.contactId });
    await t.server.context.events.publish('permissions-changed', { contactId: frank.contactId });
    const missedId = Number((await t.server.context.db.selectFrom('pk_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id);

    const reconnected = await open(frank, { 'last-event-id': seen.id! });
    const replayed = await reconnected.next('permissions-changed', 1_000);
    assert.equal(Number(replayed.id), missedId);
    await sleep(SILENCE_MS);
    assert.equal(reconnected.events.length, 1, 'grace’s event or an old one was replayed');
  });

  test('keep-alive comments are sent on idle streams', async () => {
    const saved = eventStreamSettings.keepAliveMs;
    eventStreamSettings.keepAliveMs = 50;
    try {
      const stream = await open();
      await stream.until(() => stream.comments.filter((comment) => comment === 'keep-alive').length >= 2, 2_000);
    } finally {
      eventStreamSettings.keepAliveMs = saved;
    }
  });

  test('a disconnected client’s subscription is removed', async () => {
    const { events } = t.server.context;
    const original = events.subscribe.bind(events);
    let live = 0;
    events.subscribe = (listener) => {
      live += 1;
      const unsubscribe = original(listener);
      return () => {
        live -= 1;
        return unsubscribe();
      };
    };
    try {
      const stream = await open();
      assert.equal(live, 1);
      stream.close();
      const deadline = Date.now() + 2_000;
      while (live > 0 && Date.now() < deadline) await sleep(20);
      assert.equal(live, 0, 'the subscription outlived its connection');
    } finally {
      events.subscribe = original;
    }
  });

  test('one client address cannot hold more than the cap of open streams; closing one frees a place', async () => {
    const saved = eventStreamSettings.maxStreamsPerAddress;
    const before = streams.filter((stream) => !stream.isEnded()).length;
    eventStreamSettings.maxStreamsPerAddress = before + 2;
    try {
      const first = await open();
      await open();
      const refused = await t.client().get('/events');
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, 'too-many-streams');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      first.close();
      const deadline = Date.now() + 2_000;
      let reopened: SseStream | undefined;
      while (!reopened && Date.now() < deadline) {
        const attempt = await openEventStream(`${t.url}/events`, { origin: t.url });
        if (attempt.response.status === 200) reopened = attempt;
        else await sleep(20);
      }
      assert.ok(reopened, 'a place frees up when a stream closes');
      streams.push(reopened);
    } finally {
      eventStreamSettings.maxStreamsPerAddress = saved;
    }
  });

  test('query parameters are refused', async () => {
    const response = await t.client().get('/events?x=1');
    assert.equal(response.status, 400);
    assert.equal(response.body.code, 'validation-failed');
  });

  test('a session that ends without an event (revoked, or idle too long) is noticed at the next keep-alive', async () => {
    const saved = eventStreamSettings.keepAliveMs;
    eventStreamSettings.keepAliveMs = 50;
    try {
      const revoked = await signedInVisitor(t, 'ivan@example.com');
      const idle = await signedInVisitor(t, 'judy@example.com');
      const revokedTab = await open(revoked);
      const idleTab = await open(idle);
      const anonymousTab = await open();
      await sleep(200);
      assert.equal(revokedTab.events.length + idleTab.events.length, 0, 'a live session was reported ended');

      await t.server.context.sessions.end(revoked.idHash, 'revoked');
      await revokedTab.next('session-ended', 1_000);
      await revokedTab.until(() => revokedTab.isEnded(), 1_000);
      assert.ok(!idleTab.isEnded());

      // Keep-alives do not count as activity: the idle limit (30 minutes in the demo) still applies.
      t.clock.advance(31 * 60_000);
      await idleTab.next('session-ended', 1_000);
      await idleTab.until(() => idleTab.isEnded(), 1_000);
      const row = await t.server.context.db.selectFrom('pk_sessions').select('last_seen_at').where('id_hash', '=', idle.idHash).executeTakeFirstOrThrow();
      assert.ok(t.clock.now() - Number(row.last_seen_at) >= 31 * 60_000, 'the stream touched the session');
      await sleep(200);
      assert.ok(!anonymousTab.isEnded());
      assert.equal(anonymousTab.events.length, 0);
    } finally {
      eventStreamSettings.keepAliveMs = saved;
    }
  });
});

describe('closing the server with streams open', () => {
  test('server.close() completes promptly and ends the streams', { timeout: 10_000 }, async () => {
    const t = await startTestServer();
    const visitor = await signedInVisitor(t, 'closing@example.com');
    const streams = await Promise.all([
      openEventStream(`${t.url}/events`, { origin: t.url }),
      openEventStream(`${t.url}/events`, { origin: t.url, cookie: `${t.server.context.cookie.name}=${visitor.token}` }),
      openEventStream(`${t.url}/events`, { origin: t.url }),
    ]);
    await Promise.all(streams.map((stream) => stream.until(() => stream.comments.length > 0)));
    const started = Date.now();
    const closed = await Promise.race([t.close().then(() => true), sleep(3_000).then(() => false)]);
    const took = Date.now() - started;
    assert.ok(closed, 'close() still waiting after 3 s');
    assert.ok(took < 2_000, `close took ${took} ms`);
    await Promise.all(streams.map((stream) => stream.until(() => stream.isEnded(), 1_000)));
  });
});
