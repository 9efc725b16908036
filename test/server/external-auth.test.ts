/**
 * External identities (DESIGN.md §2, `POST /auth/external/begin` and `/exchange`) against a REAL
 * OpenID Provider (oidc-provider on 127.0.0.1): real ID tokens from the authorization-code + PKCE flow
 * for the good paths, and tokens forged with jose for every way an ID token can be wrong. Each refusal
 * must leave no contact, no identity and no session behind, and write an audit failure with its reason.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair } from 'jose';
import type { JWTPayload } from 'jose';
import type { ProviderConfig } from '@portalkit/core';
import type { TestClient, TestResponse } from '../support/http-client.js';
import { createInvitation, signedInClient, uniqueEmail } from '../support/local-accounts.js';
import { startTestOidcProvider } from '../support/oidc-provider.js';
import type { TestOidcProvider } from '../support/oidc-provider.js';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';

const CLIENT_ID = 'portal-web';
const REDIRECT_URI = 'http://127.0.0.1:8787/signed-in';
const MINUTE = 60_000;

let idp: TestOidcProvider;
let t: TestServer;
/** A provider whose discovery document is fine but whose key set answers 500; counts the fetches. */
let brokenKeys: { server: Server; issuer: string; discoveryHits: number; jwksHits: number };

/** A port nothing listens on: a provider there is unreachable. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  idp = await startTestOidcProvider({
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    accounts: [{ id: 'alice', password: 'alice-pw', claims: { email: 'alice@idp.example', email_verified: true, given_name: 'Alice', family_name: 'Liddell' } }],
  });
  const down = await closedPort();
  const broken = createHttpServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration') {
      brokenKeys.discoveryHits += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: brokenKeys.issuer, jwks_uri: `${brokenKeys.issuer}/jwks` }));
    } else {
      brokenKeys.jwksHits += 1;
      response.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  brokenKeys = { server: broken, issuer: `http://127.0.0.1:${(broken.address() as AddressInfo).port}`, discoveryHits: 0, jwksHits: 0 };
  const base = { type: 'oidc', issuer: idp.issuer, clientId: CLIENT_ID } as const;
  const providers: ProviderConfig[] = [
    { ...base, id: 'testidp', displayName: 'Test IdP', registration: 'open' },
    // The same real provider under other ids, to exercise per-provider settings.
    { ...base, id: 'otheridp', displayName: 'Other IdP', registration: 'open' },
    { ...base, id: 'invitedidp', displayName: 'Invited IdP', registration: 'invitation' },
    { ...base, id: 'closedidp', displayName: 'Closed IdP', registration: 'closed' },
    { ...base, id: 'es256idp', displayName: 'ES256 only', registration: 'open', algorithms: ['ES256'] },
    // Its discovery document says issuer "http://127.0.0.1:PORT", not this: a mix-up to refuse.
    { ...base, id: 'mixupidp', displayName: 'Mix-up IdP', issuer: `${idp.issuer}/`, registration: 'open' },
    { type: 'oidc', id: 'brokenkeysidp', displayName: 'Broken keys', issuer: brokenKeys.issuer, clientId: CLIENT_ID, registration: 'open' },
    { type: 'oidc', id: 'downidp', displayName: 'Down IdP', issuer: `http://127.0.0.1:${down}`, clientId: CLIENT_ID, registration: 'open' },
  ];
  // This file begins far more sign-ins than one visitor would; the begin limit has its own test below.
  t = await startTestServer({
    configure: (config) => void (config.authentication!.providers = providers),
    rateLimits: { externalBeginPerIp: { max: 100_000, windowSeconds: 60 } },
  });
});

after(async () => {
  await t?.close();
  await idp?.close();
  brokenKeys?.server.closeAllConnections();
  await new Promise((resolve) => brokenKeys?.server.close(resolve));
});

// Real tokens carry the real time; the server's manual clock must agree with it.
beforeEach(() => t.clock.set(Date.now()));

// ---------------------------------------------------------------- helpers

/** `POST /auth/external/begin`: `{ nonce, expiresAt }` on success, a problem otherwise. */
function begin(client: TestClient, provider = 'testidp'): Promise<TestResponse> {
  return client.post('/auth/external/begin', { provider });
}

async function beginNonce(client: TestClient, provider = 'testidp'): Promise<string> {
  const response = await begin(client, provider);
  assert.equal(response.status, 200, response.text);
  return response.body.nonce;
}

function exchange(client: TestClient, idToken: string, extra: { provider?: string; invitationCode?: string } = {}): Promise<TestResponse> {
  return client.post('/auth/external/exchange', { provider: extra.provider ?? 'testidp', idToken, ...(extra.invitationCode ? { invitationCode: extra.invitationCode } : {}) });
}

let accountSerial = 0;
/** A fresh account at the real provider (a new `sub`), with a verified email unless told otherwise. */
function newIdpAccount(claims: Record<string, unknown> = {}): { id: string; email: string } {
  accountSerial += 1;
  const id = `user-${accountSerial}-${randomUUID().slice(0, 8)}`;
  const email = `${id}@idp.example`;
  idp.addAccount({ id, claims: { email, email_verified: true, given_name: `Given ${accountSerial}`, family_name: `Family ${accountSerial}`, ...claims } });
  return { id, email };
}

/** Claims a correct ID token for this server would carry; `overrides` replaces (undefined removes). */
function tokenClaims(nonce: string, overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(t.clock.now() / 1000);
  const claims: Record<string, unknown> = { iss: idp.issuer, sub: `forged-${randomUUID()}`, aud: CLIENT_ID, iat: now, exp: now + 300, nonce, email: `${randomUUID()}@idp.example`, email_verified: true, ...overrides };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return claims as JWTPayload;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

interface Counts {
  contacts: number;
  identities: number;
  liveSessions: number;
}

async function counts(): Promise<Counts> {
  const db = t.server.context.db;
  const count = async (table: 'contact' | 'pk_identities') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const live = await db.selectFrom('pk_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('ended_at', 'is', null).executeTakeFirstOrThrow();
  return { contacts: await count('contact'), identities: await count('pk_identities'), liveSessions: Number(live.n) };
}

async function lastAuditId(): Promise<number> {
  const row = await t.server.context.db.selectFrom('pk_audit').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

async function auditSince(id: number): Promise<Array<{ action: string; outcome: string; actor: string | null; subject: string | null; detail: Record<string, unknown> }>> {
  const rows = await t.server.context.db.selectFrom('pk_audit').selectAll().where('id', '>', id).orderBy('id').execute();
  return rows.map((row) => ({ action: row.action, outcome: row.outcome, actor: row.actor, subject: row.subject, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

/**
 * Runs `attempt` and checks that it was refused with `status`/`code`, created no contact, identity or
 * session, and left exactly one `external-sign-in` failure with `reason` in the audit log.
 */
async function assertRefused(attempt: () => Promise<TestResponse>, expected: { status: number; code: string; reason: string }): Promise<TestResponse> {
  const before = await counts();
  const mark = await lastAuditId();
  const response = await attempt();
  assert.equal(response.status, expected.status, response.text);
  assert.equal(response.body.code, expected.code);
  assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.deepEqual(await counts(), before, 'nothing created');
  const failures = (await auditSince(mark)).filter((row) => row.action === 'external-sign-in');
  assert.equal(failures.length, 1, JSON.stringify(failures));
  assert.equal(failures[0]?.outcome, 'failure');
  assert.equal(failures[0]?.detail['reason'], expected.reason, JSON.stringify(failures[0]?.detail));
  assert.ok(!response.headers.getSetCookie().some((cookie) => cookie.startsWith(`${t.server.context.cookie.name}=`)), 'no session cookie');
  return response;
}

const invalidToken = (reason: string) => ({ status: 401, code: 'invalid-id-token', reason });

/** A fresh browser that began a sign-in and got a token forged with the provider's own key. */
async function forgedAttempt(overrides: Record<string, unknown> = {}, options: { alg?: 'RS256' | 'ES256'; provider?: string } = {}): Promise<() => Promise<TestResponse>> {
  const client = t.client();
  const nonce = await beginNonce(client, options.provider);
  const token = await idp.forgeIdToken(tokenClaims(nonce, overrides), options.alg ? { alg: options.alg } : {});
  return () => exchange(client, token, options.provider ? { provider: options.provider } : {});
}

// ---------------------------------------------------------------- good paths

describe('sign-in with a real ID token from the real provider', () => {
  let contactId = '';

  test('begin sets a short-lived HttpOnly pre-session cookie and stores only its hash with the nonce', async () => {
    const client = t.client();
    const response = await begin(client);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), ['expiresAt', 'nonce']);
    assert.match(response.body.nonce, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Date.parse(response.body.expiresAt), t.clock.now() + 10 * MINUTE);
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith('__Host-portalkit-presession='));
    assert.ok(cookie, response.headers.getSetCookie().join('\n'));
    assert.match(cookie, /; Max-Age=600/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; SameSite=Lax/);
    const token = client.cookies.get('__Host-portalkit-presession') ?? '';
    const rows = await t.server.context.db.selectFrom('pk_presessions').selectAll().where('nonce', '=', response.body.nonce).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.provider, 'testidp');
    assert.equal(rows[0]?.consumed_at, null);
    assert.notEqual(rows[0]?.id_hash, token);
    assert.match(rows[0]?.id_hash ?? '', /^[0-9a-f]{64}$/);
  });

  test('an unknown identity registers a contact from its claims and signs it in', async () => {
    const before = await counts();
    const mark = await lastAuditId();
    const client = t.client();
    const nonce = await beginNonce(client);
    const idToken = await idp.signIn({ accountId: 'alice', nonce });
    const response = await exchange(client, idToken);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.created, true);
    assert.equal(response.body.linked, false);
    assert.equal(response.body.contact.email, 'alice@idp.example');
    contactId = response.body.contact.id;
    const setCookies = response.headers.getSetCookie();
    assert.ok(setCookies.some((header) => header.startsWith('__Host-portalkit-session=') && /HttpOnly/.test(header)), setCookies.join('\n'));
    assert.ok(setCookies.some((header) => /^__Host-portalkit-presession=;/.test(header)), 'the pre-session cookie is cleared');

    const me = await client.get('/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, contactId);
    assert.equal(me.body.firstname, 'Alice');
    assert.equal(me.body.lastname, 'Liddell');
    assert.deepEqual(me.body.identities.map((identity: { provider: string }) => identity.provider), ['testidp']);

    const identity = await t.server.context.db.selectFrom('pk_identities').selectAll().where('contact_id', '=', contactId).executeTakeFirstOrThrow();
    assert.equal(identity.issuer, idp.issuer);
    assert.equal(identity.subject, 'alice');
    assert.deepEqual(await counts(), { contacts: before.contacts + 1, identities: before.identities + 1, liveSessions: before.liveSessions + 1 });
    const audit = await auditSince(mark);
    assert.ok(audit.some((row) => row.action === 'register' && row.outcome === 'success' && row.actor === contactId && row.detail['method'] === 'external'));
    const signIn = audit.find((row) => row.action === 'external-sign-in');
    assert.equal(signIn?.outcome, 'success');
    assert.equal(signIn?.actor, contactId);
    assert.equal(signIn?.detail['provider'], 'testidp');
    assert.equal(signIn?.detail['created'], true);
  });

  test('signing in again finds the same contact by (issuer, subject) and ends the session the browser carried', async () => {
    assert.ok(contactId, 'runs after the registration test');
    const someoneElse = await t.server.context.contacts.create({ email: uniqueEmail('previous') });
    const { client, idHash } = await signedInClient(t, someoneElse.id);
    const before = await counts();
    const nonce = await beginNonce(client);
    const response = await exchange(client, await idp.signIn({ accountId: 'alice', nonce }));
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, { contact: { id: contactId, email: 'alice@idp.example', username: null }, created: false, linked: false });
    const me = await client.get('/me');
    assert.equal(me.body.id, contactId);
    const previous = await t.server.context.db.selectFrom('pk_sessions').select(['ended_at']).where('id_hash', '=', idHash).executeTakeFirstOrThrow();
    assert.notEqual(previous.ended_at, null, 'the session the request carried was ended (no fixation)');
    const after = await counts();
    assert.equal(after.contacts, before.contacts);
    assert.equal(after.identities, before.identities);
  });

  test('a signed-in visitor links a new identity to their own contact, and can then sign in with it', async () => {
    const local = await t.server.context.contacts.create({ email: uniqueEmail('linker'), firstname: 'Local' });
    const { client } = await signedInClient(t, local.id);
    const account = newIdpAccount();
    const mark = await lastAuditId();
    const before = await counts();
    const nonce = await beginNonce(client);
    const response = await exchange(client, await idp.signIn({ accountId: account.id, nonce }));
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, { contact: { id: local.id, email: local.email, username: null }, created: false, linked: true });
    assert.deepEqual(await counts(), { ...before, identities: before.identities + 1 });
    const me = await client.get('/me');
    assert.equal(me.body.id, local.id, 'still signed in');
    assert.equal(me.body.firstname, 'Local', 'claims do not overwrite the linked contact');
    assert.deepEqual(me.body.identities.map((identity: { provider: string }) => identity.provider), ['testidp']);
    const link = (await auditSince(mark)).find((row) => row.action === 'external-link');
    assert.equal(link?.outcome, 'success');
    assert.equal(link?.actor, local.id);
    assert.equal(link?.detail['externalSubject'], account.id);

    const otherBrowser = t.client();
    const again = await exchange(otherBrowser, await idp.signIn({ accountId: account.id, nonce: await beginNonce(otherBrowser) }));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.contact.id, local.id);
    assert.equal(again.body.created, false);
  });

  test('a token signed with the provider\'s ES256 key is accepted too (and forged tokens here are well formed)', async () => {
    const client = t.client();
    const nonce = await beginNonce(client, 'es256idp');
    const token = await idp.forgeIdToken(tokenClaims(nonce, { given_name: 'Eve', family_name: 'Curve' }), { alg: 'ES256' });
    const response = await exchange(client, token, { provider: 'es256idp' });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.created, true);
    assert.equal((await client.get('/me')).body.firstname, 'Eve');
  });

  test('a correctly forged RS256 token is accepted: the refusals below differ from it in one thing only', async () => {
    const response = await (await forgedAttempt())();
    assert.equal(response.status, 200, response.text);
  });

  test('an email that is not verified is not taken onto the contact', async () => {
    const existing = await t.server.context.contacts.create({ email: uniqueEmail('owner') });
    const account = newIdpAccount({ email: existing.email, email_verified: false });
    const client = t.client();
    const response = await exchange(client, await idp.signIn({ accountId: account.id, nonce: await beginNonce(client) }));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.created, true);
    assert.notEqual(response.body.contact.id, existing.id, 'never linked by email');
    assert.equal(response.body.contact.email, null);
  });
});

// ---------------------------------------------------------------- refusals

describe('forged and misused ID tokens are refused, create nothing, and are audited', () => {
  test('wrong issuer', async () => {
    await assertRefused(await forgedAttempt({ iss: 'http://127.0.0.1:1' }), invalidToken('iss-invalid'));
  });

  test('wrong audience', async () => {
    await assertRefused(await forgedAttempt({ aud: 'some-other-client' }), invalidToken('aud-invalid'));
  });

  test('several audiences without azp', async () => {
    await assertRefused(await forgedAttempt({ aud: [CLIENT_ID, 'some-other-client'] }), invalidToken('azp-missing'));
  });

  test('several audiences with azp naming another client', async () => {
    await assertRefused(await forgedAttempt({ aud: [CLIENT_ID, 'some-other-client'], azp: 'some-other-client' }), invalidToken('azp-mismatch'));
  });

  test('expired (beyond the 30 s skew)', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    await assertRefused(await forgedAttempt({ iat: now - 20, exp: now - 31 }), invalidToken('expired'));
  });

  test('issued in the future (beyond the skew)', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    await assertRefused(await forgedAttempt({ iat: now + 120, exp: now + 600 }), invalidToken('iat-in-future'));
  });

  test('not valid yet (nbf)', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    await assertRefused(await forgedAttempt({ nbf: now + 120 }), invalidToken('nbf-invalid'));
  });

  test('issued before the sign-in began (not made for this nonce)', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    await assertRefused(await forgedAttempt({ iat: now - 300 }), invalidToken('issued-before-begin'));
  });

  test('alg "none" (unsigned)', async () => {
    const client = t.client();
    const nonce = await beginNonce(client);
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(tokenClaims(nonce))}.`;
    await assertRefused(() => exchange(client, unsigned), invalidToken('algorithm-not-allowed'));
  });

  test('HS256 signed with the provider\'s public key as the secret (key confusion)', async () => {
    const client = t.client();
    const nonce = await beginNonce(client);
    const { publicJwk, kid } = idp.signingKeys.RS256;
    const pem = createPublicKey({ key: publicJwk as any, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const token = await new SignJWT(tokenClaims(nonce)).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(new TextEncoder().encode(String(pem)));
    await assertRefused(() => exchange(client, token), invalidToken('algorithm-not-allowed'));
  });

  test('signed with a key the provider does not publish (unknown kid)', async () => {
    const client = t.client();
    const nonce = await beginNonce(client);
    const rogue = await generateKeyPair('RS256');
    const token = await new SignJWT(tokenClaims(nonce)).setProtectedHeader({ alg: 'RS256', kid: 'rogue-key', typ: 'JWT' }).sign(rogue.privateKey);
    await assertRefused(() => exchange(client, token), invalidToken('unknown-key'));
  });

  test('signed with another key under the provider\'s kid', async () => {
    const client = t.client();
    const nonce = await beginNonce(client);
    const rogue = await generateKeyPair('RS256');
    const token = await new SignJWT(tokenClaims(nonce)).setProtectedHeader({ alg: 'RS256', kid: idp.signingKeys.RS256.kid, typ: 'JWT' }).sign(rogue.privateKey);
    await assertRefused(() => exchange(client, token), invalidToken('bad-signature'));
  });

  test('a real token whose payload was edited', async () => {
    const client = t.client();
    const nonce = await beginNonce(client);
    const real = await idp.signIn({ accountId: 'alice', nonce });
    const [header, payload, signature] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${base64url({ ...claims, sub: 'admin' })}.${signature}`;
    await assertRefused(() => exchange(client, tampered), invalidToken('bad-signature'));
  });

  test('a provider limited to ES256 refuses an RS256 token', async () => {
    await assertRefused(await forgedAttempt({}, { alg: 'RS256', provider: 'es256idp' }), invalidToken('algorithm-not-allowed'));
  });

  test('wrong nonce', async () => {
    await assertRefused(await forgedAttempt({ nonce: 'not-the-nonce-from-begin' }), invalidToken('nonce-mismatch'));
  });

  test('no nonce (forged, and a real token requested without one)', async () => {
    await assertRefused(await forgedAttempt({ nonce: undefined }), invalidToken('nonce-missing'));
    const client = t.client();
    await beginNonce(client);
    const real = await idp.signIn({ accountId: 'alice' });
    await assertRefused(() => exchange(client, real), invalidToken('nonce-missing'));
  });

  test('no subject', async () => {
    await assertRefused(await forgedAttempt({ sub: undefined }), invalidToken('sub-missing'));
  });

  test('a replayed real token: a fresh begin gives a fresh nonce, and the old pre-session is spent', async () => {
    const account = newIdpAccount();
    const client = t.client();
    const nonce = await beginNonce(client);
    const token = await idp.signIn({ accountId: account.id, nonce });
    const spentPreSession = client.cookies.get('__Host-portalkit-presession') ?? '';
    const first = await exchange(client, token);
    assert.equal(first.status, 200, first.text);

    const attacker = t.client();
    await beginNonce(attacker);
    await assertRefused(() => exchange(attacker, token), invalidToken('nonce-mismatch'));

    const withSpentCookie = t.client();
    withSpentCookie.cookies.set('__Host-portalkit-presession', spentPreSession);
    await assertRefused(() => exchange(withSpentCookie, token), invalidToken('pre-session-consumed'));
  });

  test('each pre-session is single use, even for two exchanges at once', async () => {
    const account = newIdpAccount();
    const client = t.client();
    const token = await idp.signIn({ accountId: account.id, nonce: await beginNonce(client) });
    const results = await Promise.all([exchange(client.clone(), token), exchange(client.clone(), token), exchange(client.clone(), token)]);
    assert.deepEqual(results.map((result) => result.status).sort(), [200, 401, 401]);
    const identities = await t.server.context.db.selectFrom('pk_identities').select('contact_id').where('subject', '=', account.id).execute();
    assert.equal(identities.length, 1);
  });

  test('a failed exchange spends the pre-session too (no second try with the same nonce)', async () => {
    const client = t.client();
    const nonce = await beginNonce(client);
    const kept = client.cookies.get('__Host-portalkit-presession') ?? '';
    const bad = await idp.forgeIdToken(tokenClaims(nonce, { aud: 'nope' }));
    const failed = await exchange(client, bad);
    assert.equal(failed.status, 401);
    assert.ok(failed.headers.getSetCookie().some((header) => /^__Host-portalkit-presession=;/.test(header)), 'the cookie is cleared on failure');
    const retry = t.client();
    retry.cookies.set('__Host-portalkit-presession', kept);
    await assertRefused(async () => exchange(retry, await idp.forgeIdToken(tokenClaims(nonce))), invalidToken('pre-session-consumed'));
  });

  test('exchange without begin (no pre-session cookie)', async () => {
    const token = await idp.forgeIdToken(tokenClaims('any-nonce'));
    await assertRefused(() => exchange(t.client(), token), invalidToken('pre-session-missing'));
    const guessed = t.client();
    guessed.cookies.set('__Host-portalkit-presession', 'A'.repeat(43));
    await assertRefused(() => exchange(guessed, token), invalidToken('pre-session-unknown'));
  });

  test('an expired pre-session (more than 10 minutes after begin)', async () => {
    const client = t.client();
    const nonce = await beginNonce(client);
    t.clock.advance(10 * MINUTE + 1000);
    const token = await idp.forgeIdToken(tokenClaims(nonce, { iat: Math.floor(t.clock.now() / 1000) - 5 }));
    await assertRefused(() => exchange(client, token), invalidToken('pre-session-expired'));
  });

  test('a pre-session begun for another provider', async () => {
    const client = t.client();
    const nonce = await beginNonce(client, 'otheridp');
    const token = await idp.forgeIdToken(tokenClaims(nonce));
    await assertRefused(() => exchange(client, token, { provider: 'testidp' }), invalidToken('pre-session-other-provider'));
  });

  test('unknown provider: 404 on begin and on exchange', async () => {
    const response = await begin(t.client(), 'nosuchidp');
    assert.equal(response.status, 404);
    assert.equal(response.body.code, 'unknown-provider');
    const client = t.client();
    const nonce = await beginNonce(client);
    await assertRefused(async () => exchange(client, await idp.forgeIdToken(tokenClaims(nonce)), { provider: 'nosuchidp' }), {
      status: 404,
      code: 'unknown-provider',
      reason: 'unknown-provider',
    });
  });

  test('malformed bodies are refused before any work; CSRF applies', async () => {
    const client = t.client();
    await beginNonce(client);
    const notAJws = await client.post('/auth/external/exchange', { provider: 'testidp', idToken: 'not a token' });
    assert.equal(notAJws.status, 400);
    assert.equal(notAJws.body.code, 'validation-failed');
    const extra = await client.post('/auth/external/exchange', { provider: 'testidp', idToken: 'a.b.c', contactId: 'x' });
    assert.equal(extra.status, 400);
    assert.equal(extra.body.code, 'validation-failed');
    const noHeader = await client.post('/auth/external/begin', { provider: 'testidp' }, { headers: { 'x-portalkit-request': undefined } });
    assert.equal(noHeader.status, 403);
    assert.equal(noHeader.body.code, 'csrf-rejected');
  });
});

// ---------------------------------------------------------------- linking and registration rules

describe('linking and registration rules', () => {
  test('a new identity whose email belongs to another contact is not linked to it (409 email-in-use)', async () => {
    const carol = await t.server.context.contacts.create({ email: uniqueEmail('carol') });
    const account = newIdpAccount({ email: (carol.email ?? '').toUpperCase() });
    const client = t.client();
    const nonce = await beginNonce(client);
    const token = await idp.signIn({ accountId: account.id, nonce });
    const response = await assertRefused(() => exchange(client, token), { status: 409, code: 'email-in-use', reason: 'email-in-use' });
    assert.match(response.body.detail, /link/i);
    const linked = await t.server.context.db.selectFrom('pk_identities').select('contact_id').where('subject', '=', account.id).execute();
    assert.deepEqual(linked, []);
  });

  test('registration "closed": an unknown identity is refused, a known one still signs in', async () => {
    const account = newIdpAccount();
    const client = t.client();
    const token = await idp.signIn({ accountId: account.id, nonce: await beginNonce(client, 'closedidp') });
    await assertRefused(() => exchange(client, token, { provider: 'closedidp' }), { status: 403, code: 'registration-closed', reason: 'registration-closed' });

    // alice is linked (same issuer); registration rules do not stop a known identity.
    const known = t.client();
    const response = await exchange(known, await idp.signIn({ accountId: 'alice', nonce: await beginNonce(known, 'closedidp') }), { provider: 'closedidp' });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.created, false);
    assert.equal(response.body.contact.email, 'alice@idp.example');
  });

  test('registration "invitation": no code or a bad code is refused; a valid code registers with its roles', async () => {
    const account = newIdpAccount();
    const signInAt = async (client: TestClient) => idp.signIn({ accountId: account.id, nonce: await beginNonce(client, 'invitedidp') });

    const noCode = t.client();
    const noCodeToken = await signInAt(noCode);
    await assertRefused(() => exchange(noCode, noCodeToken, { provider: 'invitedidp' }), { status: 400, code: 'invalid-invitation', reason: 'invitation-missing' });

    const badCode = t.client();
    const badCodeToken = await signInAt(badCode);
    await assertRefused(() => exchange(badCode, badCodeToken, { provider: 'invitedidp', invitationCode: 'A'.repeat(43) }), {
      status: 400,
      code: 'invalid-invitation',
      reason: 'invalid-invitation',
    });

    const forOther = await createInvitation(t, { email: uniqueEmail('someone-else') });
    const otherEmail = t.client();
    const otherEmailToken = await signInAt(otherEmail);
    await assertRefused(() => exchange(otherEmail, otherEmailToken, { provider: 'invitedidp', invitationCode: forOther }), {
      status: 400,
      code: 'invalid-invitation',
      reason: 'invalid-invitation',
    });
    const forOtherHash = createHash('sha256').update(forOther).digest('hex');
    const unused = await t.server.context.db.selectFrom('pk_invitations').select('redemptions').where('code_hash', '=', forOtherHash).executeTakeFirstOrThrow();
    assert.equal(unused.redemptions, 0);

    const code = await createInvitation(t, { email: account.email, roles: ['Partner Managers'] });
    const client = t.client();
    const response = await exchange(client, await signInAt(client), { provider: 'invitedidp', invitationCode: code });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.created, true);
    assert.equal(response.body.contact.email, account.email);
    const me = await client.get('/me');
    assert.ok(me.body.roles.includes('Partner Managers'), JSON.stringify(me.body.roles));
    const redeemed = (await auditSince(0)).filter((row) => row.action === 'invitation-redeem' && row.actor === response.body.contact.id);
    assert.equal(redeemed.length, 1);
  });
});

// ---------------------------------------------------------------- provider trouble

describe('provider trouble', () => {
  test('an unreachable provider: 502 provider-unavailable, nothing created', async () => {
    const client = t.client();
    const nonce = await beginNonce(client, 'downidp');
    const token = await idp.forgeIdToken(tokenClaims(nonce));
    await assertRefused(() => exchange(client, token, { provider: 'downidp' }), { status: 502, code: 'provider-unavailable', reason: 'discovery-unreachable' });
  });

  test('a discovery document naming another issuer is not trusted (mix-up)', async () => {
    const client = t.client();
    const nonce = await beginNonce(client, 'mixupidp');
    const token = await idp.forgeIdToken(tokenClaims(nonce, { iss: `${idp.issuer}/` }));
    await assertRefused(() => exchange(client, token, { provider: 'mixupidp' }), { status: 502, code: 'provider-unavailable', reason: 'discovery-issuer-mismatch' });
  });

  test('a key set that cannot be fetched: 502, and the discovery document is fetched once and cached', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const client = t.client();
      const nonce = await beginNonce(client, 'brokenkeysidp');
      const token = await idp.forgeIdToken(tokenClaims(nonce, { iss: brokenKeys.issuer }));
      await assertRefused(() => exchange(client, token, { provider: 'brokenkeysidp' }), { status: 502, code: 'provider-unavailable', reason: 'jwks-unavailable' });
    }
    assert.equal(brokenKeys.discoveryHits, 1);
    assert.equal(brokenKeys.jwksHits, 2);
  });
});

describe('rate limits', () => {
  test('begin is rate limited per client address with the production limit, and the refused begin stores nothing', async () => {
    const limited = await startTestServer({
      configure: (config) => void (config.authentication!.providers = [{ type: 'oidc', id: 'testidp', displayName: 'Test IdP', issuer: idp.issuer, clientId: CLIENT_ID }]),
    });
    try {
      const client = limited.client();
      for (let i = 0; i < 30; i += 1) assert.equal((await client.post('/auth/external/begin', { provider: 'testidp' })).status, 200);
      const refused = await client.post('/auth/external/begin', { provider: 'testidp' });
      assert.equal(refused.status, 429);
      assert.equal(refused.body.code, 'rate-limited');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      const rows = await limited.server.context.db.selectFrom('pk_presessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 30);
      limited.clock.advance(61_000);
      assert.equal((await client.post('/auth/external/begin', { provider: 'testidp' })).status, 200);
    } finally {
      await limited.close();
    }
  });
});
