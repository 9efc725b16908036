import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import {
  STRONG_PASSWORD,
  auditRows,
  clearRateLimits,
  createAccount,
  createContact,
  createInvitation,
  credentialOf,
  demoConfigCopy,
  portalkit,
  signIn,
  signedInClient,
  uniqueEmail,
  waitFor,
} from '../support/local-accounts.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function withoutInstance(body: Record<string, unknown>): Record<string, unknown> {
  const { instance: _instance, ...rest } = body;
  return rest;
}

async function contactCount(t: TestServer): Promise<number> {
  const row = await t.server.context.db.selectFrom('contact').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('registration and sign-in (open registration)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ configure: (config) => void (config.authentication!.local!.registration = 'open') });
  });
  after(() => t.close());
  beforeEach(() => clearRateLimits(t));

  test('registering creates the contact, a hashed password, and signs it in', async () => {
    const client = t.client();
    const email = uniqueEmail('ada');
    const response = await client.post('/auth/local/register', { email, password: STRONG_PASSWORD, username: 'ada.l', firstname: 'Ada', lastname: 'Lovelace' });
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.body.contact).sort(), ['email', 'id', 'username']);
    assert.equal(response.body.contact.email, email);
    assert.equal(response.body.contact.username, 'ada.l');
    const setCookie = response.headers.getSetCookie().join('\n');
    assert.match(setCookie, /^__Host-portalkit-session=[A-Za-z0-9_-]{43};/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /Secure/);
    assert.match(setCookie, /SameSite=Lax/);

    const me = await client.get('/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.id, response.body.contact.id);
    assert.equal(me.body.firstname, 'Ada');
    assert.deepEqual(me.body.roles, ['Authenticated Users']);

    const credential = await credentialOf(t, response.body.contact.id);
    assert.ok(credential, 'a credential row');
    assert.ok(credential.password_hash.startsWith('$argon2id$'));
    assert.ok(!credential.password_hash.includes(STRONG_PASSWORD));
    const audit = (await auditRows(t, 'register')).filter((row) => row.actor === response.body.contact.id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.outcome, 'success');
  });

  test('signs in by email (any case) or username, with a new session each time', async () => {
    const contact = await createContact(t, { username: 'grace' });
    const first = t.client();
    const byEmail = await signIn(first, contact.email.toUpperCase(), contact.password);
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.deepEqual(byEmail.body, { contact: { id: contact.id, email: contact.email, username: 'grace' } });
    const second = t.client();
    const byUsername = await signIn(second, 'GRACE', contact.password);
    assert.equal(byUsername.status, 200);
    const cookie = t.server.context.cookie.name;
    assert.notEqual(first.cookies.get(cookie), second.cookies.get(cookie));
    assert.equal((await first.get('/me')).status, 200);
    assert.equal((await second.get('/me')).status, 200);
    const audit = (await auditRows(t, 'sign-in')).filter((row) => row.actor === contact.id);
    assert.deepEqual(audit.map((row) => [row.outcome, row.subject]), [['success', contact.email.toUpperCase()], ['success', 'GRACE']]);
  });

  test('a wrong password is refused and audited with its reason', async () => {
    const contact = await createContact(t);
    const client = t.client();
    const response = await signIn(client, contact.email, 'Wrong-password-99');
    assert.equal(response.status, 401);
    assert.equal(response.body.code, 'invalid-credentials');
    assert.equal(response.headers.getSetCookie().length, 0);
    assert.equal((await client.get('/me')).status, 401);
    const failures = (await auditRows(t, 'sign-in')).filter((row) => row.outcome === 'failure' && row.subject === contact.email);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.detail['reason'], 'wrong-password');
  });

  test('a contact without a password (external sign-in only) answers like an unknown login', async () => {
    const external = await t.server.context.contacts.create({ email: uniqueEmail('external') });
    const known = await signIn(t.client(), external.email!, STRONG_PASSWORD);
    const unknown = await signIn(t.client(), uniqueEmail('nobody'), STRONG_PASSWORD);
    assert.equal(known.status, 401);
    assert.equal(known.text, unknown.text);
    const audit = (await auditRows(t, 'sign-in')).filter((row) => row.subject === external.email);
    assert.equal(audit[0]?.detail['reason'], 'unknown-login');
  });

  test('a taken email or username (in any case) is 409 contact-exists and creates nothing', async () => {
    const contact = await createContact(t, { username: 'taken.name' });
    const before = await contactCount(t);
    const sameEmail = await t.client().post('/auth/local/register', { email: contact.email.toUpperCase(), password: STRONG_PASSWORD });
    assert.equal(sameEmail.status, 409);
    assert.equal(sameEmail.body.code, 'contact-exists');
    const sameUsername = await t.client().post('/auth/local/register', { email: uniqueEmail(), password: STRONG_PASSWORD, username: 'Taken.Name' });
    assert.equal(sameUsername.status, 409);
    assert.equal(sameUsername.body.code, 'contact-exists');
    assert.equal(sameUsername.headers.getSetCookie().length, 0);
    assert.equal(await contactCount(t), before);
  });

  test('a password that breaks the policy is 400 validation-failed at /password, and nothing is created', async () => {
    const before = await contactCount(t);
    for (const password of ['Short-1', 'alllowercaseletters', 'x'.repeat(300) + 'A1']) {
      const response = await t.client().post('/auth/local/register', { email: uniqueEmail(), password });
      assert.equal(response.status, 400, password);
      assert.equal(response.body.code, 'validation-failed');
      assert.ok(response.body.errors.length >= 1);
      for (const error of response.body.errors) assert.equal(error.path, '/password');
    }
    assert.equal(await contactCount(t), before);
  });

  test('long and non-ASCII passwords work, in any Unicode normalisation', async () => {
    const unicode = 'pässwörd-😀-Ünïcödé-1';
    const contact = await createContact(t, { password: unicode });
    assert.equal((await signIn(t.client(), contact.email, unicode)).status, 200);
    // The same characters, decomposed (as some keyboards and platforms send them).
    assert.equal((await signIn(t.client(), contact.email, unicode.normalize('NFD'))).status, 200);
    assert.equal((await signIn(t.client(), contact.email, unicode.replace('😀', '😁'))).status, 401);

    const long = 'Long-passphrase-' + 'é'.repeat(80) + '-9';
    const longContact = await createContact(t, { password: long });
    assert.equal((await signIn(t.client(), longContact.email, long)).status, 200);
    assert.equal((await signIn(t.client(), longContact.email, long.slice(0, -1))).status, 401);
  });

  test('NUL characters and oversized passwords are refused before hashing', async () => {
    const before = await contactCount(t);
    const nul = await t.client().post('/auth/local/register', { email: uniqueEmail(), password: 'Valid-password-1\u0000tail' });
    assert.equal(nul.status, 400);
    assert.equal(nul.body.code, 'validation-failed');
    assert.ok(nul.body.errors.some((error: { path: string; message: string }) => error.path === '/password' && /NUL/.test(error.message)));

    const huge = 'Aa1-' + 'x'.repeat(1100);
    const started = performance.now();
    const oversized = await t.client().post('/auth/local/register', { email: uniqueEmail(), password: huge });
    assert.equal(oversized.status, 400);
    assert.deepEqual(oversized.body.errors.map((error: { path: string }) => error.path), ['/password']);
    const signInHuge = await signIn(t.client(), 'someone@example.com', huge);
    assert.equal(signInHuge.status, 400);
    assert.equal(signInHuge.body.code, 'validation-failed');
    const signInNul = await signIn(t.client(), 'someone@example.com', 'abc\u0000def');
    assert.equal(signInNul.status, 400);
    assert.equal(signInNul.body.errors[0].path, '/password');
    // Four refusals without a single argon2 run (each costs tens of milliseconds) come back fast.
    assert.ok(performance.now() - started < 1000);
    assert.equal(await contactCount(t), before);
  });

  test('hostile bodies: oversized, malformed, mistyped, unknown and prototype-polluting properties', async () => {
    const before = await contactCount(t);
    const client = t.client();
    const oversized = await client.post('/auth/local/register', undefined, {
      raw: JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD, firstname: 'x'.repeat(17 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(oversized.status, 413);
    assert.equal(oversized.body.code, 'payload-too-large');

    const malformed = await client.post('/auth/local/sign-in', undefined, { raw: '{"login": "a@example.com", "password": ', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'malformed-json');

    const mistyped = await client.post('/auth/local/sign-in', { login: ['a@example.com'], password: 12345678 });
    assert.equal(mistyped.status, 400);
    assert.equal(mistyped.body.code, 'validation-failed');
    assert.deepEqual(mistyped.body.errors.map((error: { path: string }) => error.path).sort(), ['/login', '/password']);

    const missing = await client.post('/auth/local/sign-in', { login: 'a@example.com' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.errors.map((error: { path: string }) => error.path), ['/password']);

    const unknown = await client.post('/auth/local/register', { email: uniqueEmail(), password: STRONG_PASSWORD, roles: ['Administrators'] });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'validation-failed');
    assert.deepEqual(unknown.body.errors.map((error: { path: string }) => error.path), ['/roles']);

    const tooLongLogin = await signIn(client, 'a'.repeat(250) + '@x.example', STRONG_PASSWORD);
    assert.equal(tooLongLogin.status, 400);
    assert.equal(tooLongLogin.body.errors[0].path, '/login');

    for (const raw of [
      `{"email":"${uniqueEmail()}","password":"${STRONG_PASSWORD}","__proto__":{"isAdmin":true}}`,
      `{"email":"${uniqueEmail()}","password":"${STRONG_PASSWORD}","constructor":{"prototype":{"isAdmin":true}}}`,
    ]) {
      const polluted = await client.post('/auth/local/register', undefined, { raw, headers: { 'content-type': 'application/json' } });
      assert.equal(polluted.status, 400, raw);
      assert.equal(({} as Record<string, unknown>)['isAdmin'], undefined);
    }
    const wrongType = await client.post('/auth/local/register', undefined, { raw: 'email=a@example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(wrongType.status, 415);
    assert.equal(await contactCount(t), before);
  });
});

describe('registration modes', () => {
  test('closed: 403 registration-closed, nothing created', async () => {
    const t = await startTestServer({ configure: (config) => void (config.authentication!.local!.registration = 'closed') });
    try {
      const response = await t.client().post('/auth/local/register', { email: uniqueEmail(), password: STRONG_PASSWORD });
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'registration-closed');
      assert.equal(await contactCount(t), 0);
    } finally {
      await t.close();
    }
  });

  test('local sign-in disabled: every local route is 403 local-sign-in-disabled', async () => {
    const t = await startTestServer({ configure: (config) => void (config.authentication!.local!.enabled = false) });
    try {
      const client = t.client();
      const attempts = [
        client.post('/auth/local/register', { email: uniqueEmail(), password: STRONG_PASSWORD }),
        signIn(client, 'a@example.com', STRONG_PASSWORD),
        client.post('/auth/password', { currentPassword: STRONG_PASSWORD, newPassword: STRONG_PASSWORD + 'x' }),
        client.post('/auth/password-reset/request', { email: 'a@example.com' }),
        client.post('/auth/password-reset/confirm', { token: 'x'.repeat(43), newPassword: STRONG_PASSWORD }),
      ];
      for (const response of await Promise.all(attempts)) {
        assert.equal(response.status, 403, response.text);
        assert.equal(response.body.code, 'local-sign-in-disabled');
      }
      // Signing out is not a local route: it ends sessions of every sign-in method.
      assert.equal((await client.post('/auth/sign-out')).status, 204);
      assert.equal(await contactCount(t), 0);
    } finally {
      await t.close();
    }
  });

  test('sign-in by username: registration requires one, and the email is not a login', async () => {
    const t = await startTestServer({
      configure: (config) => {
        config.authentication!.local!.registration = 'open';
        config.authentication!.local!.signInWith = 'username';
      },
    });
    try {
      const email = uniqueEmail('by-username');
      const missing = await t.client().post('/auth/local/register', { email, password: STRONG_PASSWORD });
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.body.errors.map((error: { path: string }) => error.path), ['/username']);
      const withAt = await t.client().post('/auth/local/register', { email, password: STRONG_PASSWORD, username: 'other@example.com' });
      assert.equal(withAt.status, 400, 'a username cannot pose as an email');
      assert.equal((await t.client().post('/auth/local/register', { email, password: STRONG_PASSWORD, username: 'Jo_Bloggs-2' })).status, 201);
      assert.equal((await signIn(t.client(), email, STRONG_PASSWORD)).status, 401);
      assert.equal((await signIn(t.client(), 'jo_bloggs-2', STRONG_PASSWORD)).status, 200);
    } finally {
      await t.close();
    }
  });

  describe('invitation (the demo default)', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer();
    });
    after(() => t.close());
    beforeEach(() => clearRateLimits(t));

    const register = (email: string, invitationCode?: string) =>
      t.client().post('/auth/local/register', { email, password: STRONG_PASSWORD, ...(invitationCode !== undefined ? { invitationCode } : {}) });

    test('without a code: 400 invalid-invitation', async () => {
      const response = await register(uniqueEmail());
      assert.equal(response.status, 400);
      assert.equal(response.body.code, 'invalid-invitation');
    });

    test('a valid code registers the contact with the invitation\'s roles and account, once', async () => {
      const accountId = await createAccount(t);
      const email = uniqueEmail('invited');
      const code = await createInvitation(t, { email, roles: ['Partner Managers'], accountId });
      const client = t.client();
      const response = await client.post('/auth/local/register', { email: email.toUpperCase(), password: STRONG_PASSWORD, invitationCode: code });
      assert.equal(response.status, 201, response.text);
      const me = await client.get('/me');
      assert.deepEqual(me.body.roles, ['Authenticated Users', 'Partner Managers']);
      assert.equal(me.body.accountId, accountId);
      const invitation = await t.server.context.db.selectFrom('pk_invitations').selectAll().where('code_hash', '=', createHash('sha256').update(code).digest('hex')).executeTakeFirstOrThrow();
      assert.equal(invitation.redemptions, 1);
      const redeemed = (await auditRows(t, 'invitation-redeem')).filter((row) => row.actor === me.body.id);
      assert.equal(redeemed.length, 1);
      assert.deepEqual(redeemed[0]?.detail['roles'], ['Partner Managers']);
      assert.ok(!JSON.stringify(await auditRows(t)).includes(code), 'the code never reaches the audit log');

      const again = await register(uniqueEmail(), code);
      assert.equal(again.status, 400);
      assert.equal(again.body.code, 'invalid-invitation');
    });

    test('unknown, used-up, expired and wrong-email codes are refused alike', async () => {
      const usedUp = await createInvitation(t);
      assert.equal((await register(uniqueEmail(), usedUp)).status, 201);
      const expired = await createInvitation(t, { expiresInMs: DAY });
      const forSomeoneElse = await createInvitation(t, { email: uniqueEmail('intended') });
      t.clock.advance(DAY + 1);
      const before = await contactCount(t);
      const responses = await Promise.all([
        register(uniqueEmail(), 'A'.repeat(43)),
        register(uniqueEmail(), 'not a code at all'),
        register(uniqueEmail(), usedUp),
        register(uniqueEmail(), expired),
        register(uniqueEmail('intruder'), forSomeoneElse),
      ]);
      for (const response of responses) {
        assert.equal(response.status, 400, response.text);
        assert.deepEqual(withoutInstance(response.body), withoutInstance(responses[0]!.body));
      }
      assert.equal(responses[0]!.body.code, 'invalid-invitation');
      assert.equal(await contactCount(t), before);
    });

    test('an invitation is not used up when the registration fails (one transaction)', async () => {
      const existing = uniqueEmail('existing');
      assert.equal((await register(existing, await createInvitation(t))).status, 201);
      const code = await createInvitation(t, { roles: ['Partner Managers'] });
      const taken = await register(existing.toUpperCase(), code);
      assert.equal(taken.status, 409);
      const row = await t.server.context.db.selectFrom('pk_invitations').select('redemptions').where('code_hash', '=', createHash('sha256').update(code).digest('hex')).executeTakeFirstOrThrow();
      assert.equal(row.redemptions, 0);
      assert.equal((await register(uniqueEmail(), code)).status, 201);
    });

    test('concurrent registrations cannot share a single invitation; a group invitation admits exactly its maximum', async () => {
      const single = await createInvitation(t);
      const singleResults = await Promise.all(Array.from({ length: 5 }, () => register(uniqueEmail('racer'), single)));
      assert.deepEqual(singleResults.map((response) => response.status).sort(), [201, 400, 400, 400, 400]);
      await clearRateLimits(t);
      const group = await createInvitation(t, { maxRedemptions: 3 });
      const groupResults = await Promise.all(Array.from({ length: 5 }, () => register(uniqueEmail('group'), group)));
      assert.deepEqual(groupResults.map((response) => response.status).sort(), [201, 201, 201, 400, 400]);
    });
  });
});

describe('password change', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ configure: (config) => void (config.authentication!.local!.registration = 'open') });
  });
  after(() => t.close());
  beforeEach(() => clearRateLimits(t));

  test('needs a session: 401 not-signed-in', async () => {
    const response = await t.client().post('/auth/password', { currentPassword: STRONG_PASSWORD, newPassword: 'Another-strong-2' });
    assert.equal(response.status, 401);
    assert.equal(response.body.code, 'not-signed-in');
  });

  test('a wrong current password is 401 invalid-credentials and counts toward lockout; a weak new one is 400', async () => {
    const contact = await createContact(t);
    const { client } = await signedInClient(t, contact.id);
    const wrong = await client.post('/auth/password', { currentPassword: 'Not-the-password-1', newPassword: 'Another-strong-2' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'invalid-credentials');
    assert.equal((await credentialOf(t, contact.id))?.failed_attempts, 1);
    const weak = await client.post('/auth/password', { currentPassword: contact.password, newPassword: 'weak' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.code, 'validation-failed');
    assert.ok(weak.body.errors.every((error: { path: string }) => error.path === '/newPassword'));
    assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 200, 'the password did not change');
  });

  test('changes the password, ends the other sessions (with session-ended events) and keeps this one', async () => {
    const contact = await createContact(t);
    const current = t.client();
    assert.equal((await signIn(current, contact.email, contact.password)).status, 200);
    const other = await signedInClient(t, contact.id);
    const events: Array<{ kind: string; contactId: string | null; sessionHash: string | null }> = [];
    const unsubscribe = t.server.context.events.subscribe((event) => events.push(event));
    try {
      const response = await current.post('/auth/password', { currentPassword: contact.password, newPassword: 'Brand-new-secret-7' });
      assert.equal(response.status, 204, response.text);
      assert.equal((await current.get('/me')).status, 200);
      assert.equal((await other.client.get('/me')).status, 401);
      // The other sessions: the one opened here, and the one registration opened in its own client.
      const currentHash = createHash('sha256').update(current.cookies.get(t.server.context.cookie.name)!).digest('hex');
      const ended = events.filter((event) => event.kind === 'session-ended');
      assert.equal(ended.length, 2);
      assert.ok(ended.every((event) => event.contactId === contact.id && event.sessionHash !== currentHash));
      assert.ok(ended.some((event) => event.sessionHash === other.idHash));
      const live = await t.server.context.db.selectFrom('pk_sessions').select('id_hash').where('contact_id', '=', contact.id).where('ended_at', 'is', null).execute();
      assert.deepEqual(live.map((row) => row.id_hash), [currentHash]);
    } finally {
      unsubscribe();
    }
    assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 401);
    assert.equal((await signIn(t.client(), contact.email, 'Brand-new-secret-7')).status, 200);
    const audit = (await auditRows(t, 'password-change')).filter((row) => row.actor === contact.id);
    assert.equal(audit.at(-1)?.outcome, 'success');
  });
});

describe('password reset', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ configure: (config) => void (config.authentication!.local!.registration = 'open') });
  });
  after(() => t.close());
  beforeEach(() => clearRateLimits(t));

  async function requestToken(email: string): Promise<string> {
    const sent = t.mail.length;
    const response = await t.client().post('/auth/password-reset/request', { email });
    assert.equal(response.status, 202);
    const message = await waitFor(() => t.mail.slice(sent).find((mail) => mail.to === email));
    const match = /http:\/\/127\.0\.0\.1:8787\/reset-password\?token=([A-Za-z0-9_-]{43})\b/.exec(message.text);
    assert.ok(match, message.text);
    return match[1]!;
  }

  test('answers the same for known and unknown addresses; mails a link only to a known one; stores only a hash', async () => {
    const contact = await createContact(t);
    const sent = t.mail.length;
    const unknown = await t.client().post('/auth/password-reset/request', { email: uniqueEmail('nobody') });
    const known = await t.client().post('/auth/password-reset/request', { email: contact.email });
    assert.equal(unknown.status, 202);
    assert.equal(known.status, 202);
    assert.equal(unknown.text, known.text);
    const message = await waitFor(() => t.mail.slice(sent).find((mail) => mail.to === contact.email));
    assert.equal(t.mail.slice(sent).length, 1);
    const token = /token=([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
    const rows = await t.server.context.db.selectFrom('pk_reset_tokens').selectAll().where('contact_id', '=', contact.id).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.token_hash, createHash('sha256').update(token).digest('hex'));
    assert.equal(Number(rows[0]!.expires_at) - Number(rows[0]!.created_at), 30 * MINUTE);
    assert.equal((await auditRows(t, 'password-reset-request')).length, 2);
  });

  test('confirming sets the password, lifts a lockout, ends every session; the token works once', async () => {
    const contact = await createContact(t);
    const session = await signedInClient(t, contact.id);
    for (let attempt = 0; attempt < 5; attempt++) await signIn(t.client(), contact.email, 'Wrong-password-' + attempt);
    assert.ok((await credentialOf(t, contact.id))?.locked_until);
    const token = await requestToken(contact.email);

    const weak = await t.client().post('/auth/password-reset/confirm', { token, newPassword: 'weak' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.code, 'validation-failed');
    const confirmed = await t.client().post('/auth/password-reset/confirm', { token, newPassword: 'Reset-password-42' });
    assert.equal(confirmed.status, 204, confirmed.text);
    assert.equal((await session.client.get('/me')).status, 401);
    const credential = await credentialOf(t, contact.id);
    assert.equal(credential?.failed_attempts, 0);
    assert.equal(credential?.locked_until, null);
    assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 401);
    assert.equal((await signIn(t.client(), contact.email, 'Reset-password-42')).status, 200);

    const reused = await t.client().post('/auth/password-reset/confirm', { token, newPassword: 'Another-reset-43' });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.code, 'invalid-token');
    assert.equal((await auditRows(t, 'password-reset')).filter((row) => row.subject === contact.id).length, 1);
  });

  test('expired, unknown and superseded tokens are 400 invalid-token', async () => {
    const contact = await createContact(t);
    const expired = await requestToken(contact.email);
    t.clock.advance(30 * MINUTE);
    const older = await requestToken(contact.email);
    const newer = await requestToken(contact.email);
    for (const token of [expired, 'A'.repeat(43), 'short']) {
      const response = await t.client().post('/auth/password-reset/confirm', { token, newPassword: 'Reset-password-42' });
      assert.equal(response.status, 400, token);
      assert.equal(response.body.code, 'invalid-token');
    }
    assert.equal((await t.client().post('/auth/password-reset/confirm', { token: newer, newPassword: 'Reset-password-42' })).status, 204);
    // Resetting retires every other outstanding link.
    const superseded = await t.client().post('/auth/password-reset/confirm', { token: older, newPassword: 'Reset-password-43' });
    assert.equal(superseded.status, 400);
    assert.equal(superseded.body.code, 'invalid-token');
  });

  test('disabled reset: 404 password-reset-disabled, no mail', async () => {
    const disabled = await startTestServer({ configure: (config) => void (config.authentication!.passwordReset = { enabled: false }) });
    try {
      for (const response of [
        await disabled.client().post('/auth/password-reset/request', { email: 'a@example.com' }),
        await disabled.client().post('/auth/password-reset/confirm', { token: 'A'.repeat(43), newPassword: STRONG_PASSWORD }),
      ]) {
        assert.equal(response.status, 404);
        assert.equal(response.body.code, 'password-reset-disabled');
      }
      assert.equal(disabled.mail.length, 0);
    } finally {
      await disabled.close();
    }
  });
});

describe('audit log', () => {
  test('a login with control characters and ANSI escapes is exactly one line in `portalkit audit tail`', async () => {
    const t = await startTestServer();
    const config = await demoConfigCopy();
    try {
      const hostile = 'evil\r\n{"action":"sign-in","outcome":"success"}\u001b[2J\u001b[31mred\u0007\u0008\u2028end';
      const response = await signIn(t.client(), hostile, STRONG_PASSWORD);
      assert.equal(response.status, 401);
      const run = await portalkit(['audit', 'tail', '--config', config.file, ...t.storage.cliArgs]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.split('\n').filter((line) => line !== '');
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(run.stdout), 'no raw control characters reach the terminal');
      const records = lines.map((line) => JSON.parse(line) as { action: string; outcome: string; subject?: string });
      const signIns = records.filter((record) => record.action === 'sign-in');
      assert.equal(signIns.length, 1);
      assert.equal(signIns[0]!.outcome, 'failure');
      assert.equal(signIns[0]!.subject, hostile);
    } finally {
      await config.dispose();
      await t.close();
    }
  });
});
