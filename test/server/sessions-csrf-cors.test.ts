import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import type { TestClient } from '../support/http-client.js';
import { STRONG_PASSWORD, auditRows, clearRateLimits, createContact, credentialOf, signIn, signedInClient, uniqueEmail } from '../support/local-accounts.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('sessions, CSRF and CORS', () => {
  let t: TestServer;
  let cookieName: string;
  before(async () => {
    t = await startTestServer({ configure: (config) => void (config.authentication!.local!.registration = 'open') });
    cookieName = t.server.context.cookie.name;
  });
  after(() => t.close());
  beforeEach(() => clearRateLimits(t));

  const tokenOf = (client: TestClient) => client.cookies.get(cookieName);

  async function isLive(token: string): Promise<boolean> {
    return (await t.server.context.sessions.resolve(token)) !== undefined;
  }

  describe('CSRF', () => {
    test('a state-changing request without the X-PortalKit-Request header is 403 csrf-rejected and does nothing', async () => {
      const email = uniqueEmail('csrf');
      const response = await t.client().post('/auth/local/register', { email, password: STRONG_PASSWORD }, { headers: { 'x-portalkit-request': undefined } });
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'csrf-rejected');
      assert.equal(response.headers.getSetCookie().length, 0);
      assert.equal(await t.server.context.contacts.byEmail(email), undefined);
    });

    test('foreign, null, missing and look-alike origins are refused even with the header', async () => {
      const port = new URL(t.url).port;
      const origins = [
        'https://evil.example',
        'null',
        `${t.url}.evil.example`,
        `http://127.0.0.1:${port}0`,
        `https://127.0.0.1:${port}`,
        `http://localhost:${port}`,
        `${t.url}/`,
        `http://evil.example#${t.url}`,
        undefined,
      ];
      const contact = await createContact(t);
      // The control: the same request from the site's own origin works.
      assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 200);
      for (const origin of origins) {
        const refused = await t.client().post('/auth/local/sign-in', { login: contact.email, password: contact.password }, { headers: { origin } });
        assert.equal(refused.status, 403, `origin ${origin}`);
        assert.equal(refused.body.code, 'csrf-rejected');
        assert.equal(refused.headers.getSetCookie().length, 0, `origin ${origin}`);
      }
      // Refused before the route ran: only the control sign-in was audited.
      const audited = (await auditRows(t, 'sign-in')).filter((row) => row.subject === contact.email);
      assert.equal(audited.length, 1);
    });

    test('a cross-site text/plain "form post" carrying the victim\'s cookie changes nothing', async () => {
      const victim = await createContact(t);
      const browser = t.client();
      assert.equal((await signIn(browser, victim.email, victim.password)).status, 200);
      const hashBefore = (await credentialOf(t, victim.id))?.password_hash;
      const form = (path: string, body: string) =>
        browser.post(path, undefined, {
          raw: body,
          headers: { 'content-type': 'text/plain', origin: 'https://evil.example', 'x-portalkit-request': undefined },
        });
      const change = await form('/auth/password', `{"currentPassword":"${victim.password}","newPassword":"Attacker-chosen-1","x":"="}`);
      assert.equal(change.status, 403);
      assert.equal(change.body.code, 'csrf-rejected');
      const signOut = await form('/auth/sign-out', '{}');
      assert.equal(signOut.status, 403);
      const email = uniqueEmail('forged');
      const register = await form('/auth/local/register', `{"email":"${email}","password":"${STRONG_PASSWORD}"}`);
      assert.equal(register.status, 403);

      assert.equal((await credentialOf(t, victim.id))?.password_hash, hashBefore);
      assert.ok(await isLive(tokenOf(browser)!), 'the session survives a forged sign-out');
      assert.equal(await t.server.context.contacts.byEmail(email), undefined);
      // Even from the site's own origin, the server takes JSON only: a text/plain body is refused unread.
      const sameOrigin = await browser.post('/auth/sign-out', undefined, { raw: '{}', headers: { 'content-type': 'text/plain' } });
      assert.equal(sameOrigin.status, 415);
      assert.equal(sameOrigin.body.code, 'unsupported-media-type');
      assert.ok(await isLive(tokenOf(browser)!));
    });
  });

  describe('CORS', () => {
    test('an allowed origin gets exactly itself back, with credentials', async () => {
      for (const origin of [t.url, 'http://127.0.0.1:8787', 'http://localhost:8787']) {
        const response = await t.client().get('/.well-known/portalkit', { headers: { origin } });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('access-control-allow-origin'), origin);
        assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
        assert.match(response.headers.get('vary') ?? '', /Origin/i);
      }
    });

    test('foreign, null and look-alike origins get no CORS headers', async () => {
      const port = new URL(t.url).port;
      for (const origin of [
        'https://evil.example',
        'null',
        `http://127.0.0.1:${port}.evil.example`,
        `http://127.0.0.1.evil.example:${port}`,
        `http://evil-127.0.0.1:${port}`,
        `http://127.0.0.1:${port}0`,
        `https://127.0.0.1:${port}`,
        'http://127.0.0.1:8787.evil.example',
        'http://127.0.0.1:878',
      ]) {
        const response = await t.client().get('/.well-known/portalkit', { headers: { origin } });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
        assert.equal(response.headers.get('access-control-allow-credentials'), null, origin);
      }
    });

    test('a preflight from a foreign origin is not granted; one from an allowed origin is', async () => {
      const preflight = (origin: string) =>
        t.client().request('OPTIONS', '/auth/local/sign-in', {
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-portalkit-request' },
        });
      for (const origin of ['https://evil.example', 'null', `${t.url}.evil.example`]) {
        const response = await preflight(origin);
        assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
        assert.equal(response.headers.get('access-control-allow-headers'), null, origin);
        assert.equal(response.headers.get('access-control-allow-methods'), null, origin);
      }
      const allowed = await preflight(t.url);
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-origin'), t.url);
      assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
      assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /x-portalkit-request/i);
    });
  });

  describe('sessions', () => {
    test('the session cookie is host-only, HttpOnly, Secure and SameSite=Lax; its hash (not the token) is stored', async () => {
      const contact = await createContact(t);
      const client = t.client();
      const response = await signIn(client, contact.email, contact.password);
      const [cookie] = response.headers.getSetCookie();
      assert.match(cookie ?? '', /^__Host-portalkit-session=[A-Za-z0-9_-]{43}; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
      assert.doesNotMatch(cookie ?? '', /Domain=/i);
      const token = tokenOf(client)!;
      const rows = await t.server.context.db.selectFrom('pk_sessions').select('id_hash').where('contact_id', '=', contact.id).execute();
      assert.ok(rows.some((row) => row.id_hash === sha256(token)));
      assert.ok(!rows.some((row) => row.id_hash === token));
    });

    test('session fixation: a planted cookie (garbage or someone else\'s session) is not the session after sign-in', async () => {
      const victim = await createContact(t);
      const garbage = randomBytes(32).toString('base64url');
      const browser = t.client();
      browser.cookies.set(cookieName, garbage);
      assert.equal((await signIn(browser, victim.email, victim.password)).status, 200);
      assert.notEqual(tokenOf(browser), garbage);
      assert.equal(await isLive(garbage), false);

      // The attacker signs in, plants their session in the victim's browser, and keeps a copy.
      const attacker = await createContact(t);
      const attackerSession = await signedInClient(t, attacker.id);
      const planted = t.client();
      planted.cookies.set(cookieName, tokenOf(attackerSession.client)!);
      assert.equal((await signIn(planted, victim.email, victim.password)).status, 200);
      assert.notEqual(tokenOf(planted), tokenOf(attackerSession.client));
      assert.equal((await planted.get('/me')).body.id, victim.id);
      const attackerView = await attackerSession.client.get('/me');
      assert.equal(attackerView.status, 401, 'the planted session ended: the attacker rides on nothing');

      // Registration signs in too, and rotates the same way.
      const registering = t.client();
      registering.cookies.set(cookieName, garbage);
      const registered = await registering.post('/auth/local/register', { email: uniqueEmail('fresh'), password: STRONG_PASSWORD });
      assert.equal(registered.status, 201);
      assert.notEqual(tokenOf(registering), garbage);
    });

    test('sign-out ends the session on the server: the old cookie replayed is anonymous', async () => {
      const contact = await createContact(t);
      const browser = t.client();
      assert.equal((await signIn(browser, contact.email, contact.password)).status, 200);
      const stolen = browser.clone();
      const token = tokenOf(browser)!;
      const events: Array<{ kind: string; contactId: string | null; sessionHash: string | null }> = [];
      const unsubscribe = t.server.context.events.subscribe((event) => events.push(event));
      let response;
      try {
        response = await browser.post('/auth/sign-out');
      } finally {
        unsubscribe();
      }
      assert.equal(response.status, 204);
      assert.match(response.headers.getSetCookie().join('\n'), new RegExp(`^${cookieName}=;.*Expires=Thu, 01 Jan 1970`));
      assert.equal(tokenOf(browser), undefined);
      assert.deepEqual(
        events.map(({ kind, contactId, sessionHash }) => ({ kind, contactId, sessionHash })),
        [{ kind: 'session-ended', contactId: contact.id, sessionHash: sha256(token) }],
      );
      const row = await t.server.context.db.selectFrom('pk_sessions').select(['ended_at', 'end_reason']).where('id_hash', '=', sha256(token)).executeTakeFirstOrThrow();
      assert.ok(row.ended_at);
      assert.equal(row.end_reason, 'sign-out');

      const replay = await stolen.get('/me');
      assert.equal(replay.status, 401);
      assert.equal(replay.body.code, 'not-signed-in');
      const replayChange = await stolen.post('/auth/password', { currentPassword: contact.password, newPassword: 'Another-secret-8' });
      assert.equal(replayChange.status, 401);
      assert.equal(replayChange.body.code, 'not-signed-in');
      assert.equal((await auditRows(t, 'sign-out')).filter((audit) => audit.actor === contact.id).length, 1);
    });

    test('anonymous sign-out and sign-out with an empty JSON body are 204', async () => {
      const anonymous = await t.client().post('/auth/sign-out');
      assert.equal(anonymous.status, 204);
      const contact = await createContact(t);
      const browser = t.client();
      await signIn(browser, contact.email, contact.password);
      const token = tokenOf(browser)!;
      assert.equal((await browser.post('/auth/sign-out', {})).status, 204);
      assert.equal(await isLive(token), false);
      assert.equal((await browser.post('/auth/sign-out', { everything: true })).status, 400);
    });

    test('signing in again ends the browser\'s previous session; other browsers keep theirs', async () => {
      const contact = await createContact(t);
      const browser = t.client();
      const laptop = t.client();
      await signIn(browser, contact.email, contact.password);
      await signIn(laptop, contact.email, contact.password);
      const first = tokenOf(browser)!;
      await signIn(browser, contact.email, contact.password);
      assert.notEqual(tokenOf(browser), first);
      assert.equal(await isLive(first), false);
      assert.equal((await laptop.get('/me')).status, 200);
    });
  });
});
