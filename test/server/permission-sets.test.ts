import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { buildPermissionSetClaims } from '@portalkit/core';
import type { PortalModel } from '@portalkit/core';
import { ManualClock } from '@portalkit/server';
// Internal modules of the built server (not part of the package's API), for the start-up race.
import { SigningKeys } from '../../packages/server/dist/permissions/signing-keys.js';
import { openDatabase } from '../../packages/server/dist/storage/open-database.js';
import { createTestStorage } from '../support/test-database.js';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import { demoConfigCopy, runPortalkit } from '../support/run-cli.js';
import { anotherSession, signedInVisitor } from '../support/signed-in.js';
import type { SignedInVisitor } from '../support/signed-in.js';

const ANONYMOUS = 'Anonymous Users';
const AUTHENTICATED = 'Authenticated Users';
const PARTNER_MANAGERS = 'Partner Managers';
const SUPPORT_AGENTS = 'Support Agents';
/** The demo's permissionSetMinutes is 5. */
const LIFETIME_SECONDS = 300;

async function jwks(t: TestServer): Promise<JSONWebKeySet> {
  const response = await t.client().get<JSONWebKeySet>('/.well-known/jwks.json');
  assert.equal(response.status, 200);
  return response.body;
}

/** Verifies a set as a browser must: ES256 only, the permission-set type, this issuer and audience. */
async function verify(t: TestServer, token: string): Promise<{ payload: JWTPayload; kid: string | undefined }> {
  const model = t.server.context.config.model;
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await jwks(t)), {
    algorithms: ['ES256'],
    typ: 'permset+jwt',
    issuer: t.url,
    audience: model.site.audience,
    currentDate: new Date(t.clock.now()),
  });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(protectedHeader.typ, 'permset+jwt');
  return { payload, kid: protectedHeader.kid };
}

/** The claims the core builds for this visitor at the token's own `iat` (and `sid`, checked separately). */
function expectedClaims(model: PortalModel, t: TestServer, visitor: { contactId?: string; accountId?: string; roles: string[] }, payload: JWTPayload) {
  return buildPermissionSetClaims(model, visitor, {
    issuer: t.url,
    issuedAt: payload.iat!,
    sessionId: typeof payload['sid'] === 'string' ? payload['sid'] : undefined,
  });
}

async function fetchSet(client: SignedInVisitor['client'], headers: Record<string, string> = {}) {
  const response = await client.get('/permissions', { headers });
  return response;
}

describe('GET /permissions and the JWKS', () => {
  let t: TestServer;
  let model: PortalModel;
  before(async () => {
    t = await startTestServer();
    model = t.server.context.config.model;
  });
  after(() => t.close());

  test('the JWKS publishes public ES256 keys only, named by their thumbprint, cacheable for a minute', async () => {
    const response = await t.client().get('/.well-known/jwks.json');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=60');
    const { keys } = response.body as JSONWebKeySet;
    assert.equal(keys.length, 1);
    for (const key of keys) {
      assert.equal(key.d, undefined, 'a private member leaked');
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      assert.equal(key.alg, 'ES256');
      assert.equal(key.use, 'sig');
      assert.equal(key.kty, 'EC');
      assert.equal(key.crv, 'P-256');
      assert.equal(key.kid, await calculateJwkThumbprint({ kty: key.kty, crv: key.crv!, x: key.x!, y: key.y! }));
    }
    // The stored private half exists, and is never what is published.
    const stored = await t.server.context.db.selectFrom('pk_signing_keys').selectAll().execute();
    assert.equal(stored.length, 1);
    assert.ok(JSON.parse(stored[0]!.private_jwk).d);
    assert.ok(!response.text.includes(JSON.parse(stored[0]!.private_jwk).d));
  });

  test('an anonymous visitor gets the Anonymous role’s set: no sub, no sid', async () => {
    const response = await fetchSet(t.client());
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/jwt/);
    assert.equal(response.headers.get('cache-control'), 'private, no-cache');
    const { payload, kid } = await verify(t, response.text);
    assert.equal(kid, (await jwks(t)).keys[0]!.kid);
    assert.equal(payload.sub, undefined);
    assert.equal(payload['sid'], undefined);
    assert.equal(payload['account'], undefined);
    assert.deepEqual(payload['roles'], [ANONYMOUS]);
    assert.deepEqual(payload, expectedClaims(model, t, { roles: [] }, payload));
    assert.equal(payload.exp! - payload.iat!, LIFETIME_SECONDS);
    assert.equal(payload.iat, Math.floor(t.clock.now() / 1000));
    // Every anonymous visitor shares one signed set.
    assert.equal((await fetchSet(t.client())).text, response.text);
  });

  test('each signed-in role (and two roles at once) gets exactly the claims the core computes', async () => {
    const account = { id: crypto.randomUUID(), name: 'Fabrikam', parentaccountid: null, createdon: t.clock.now(), modifiedon: t.clock.now() };
    await t.server.context.db.insertInto('account').values(account).execute();
    const cases: Array<{ email: string; roles: string[]; accountId?: string; expectedRoles: string[] }> = [
      { email: 'authenticated@example.com', roles: [], expectedRoles: [AUTHENTICATED] },
      { email: 'manager@example.com', roles: [PARTNER_MANAGERS], accountId: account.id, expectedRoles: [AUTHENTICATED, PARTNER_MANAGERS] },
      { email: 'agent@example.com', roles: [SUPPORT_AGENTS], expectedRoles: [AUTHENTICATED, SUPPORT_AGENTS] },
      { email: 'both@example.com', roles: [PARTNER_MANAGERS, SUPPORT_AGENTS], accountId: account.id, expectedRoles: [AUTHENTICATED, PARTNER_MANAGERS, SUPPORT_AGENTS] },
    ];
    const versions = new Set<unknown>();
    for (const testCase of cases) {
      const visitor = await signedInVisitor(t, testCase.email, testCase.roles, testCase.accountId ? { accountId: testCase.accountId } : {});
      const response = await fetchSet(visitor.client);
      assert.equal(response.status, 200, testCase.email);
      const { payload } = await verify(t, response.text);
      assert.deepEqual(payload['roles'], testCase.expectedRoles, testCase.email);
      assert.equal(payload.sub, visitor.contactId);
      assert.equal(payload['account'], testCase.accountId);
      const identity = { contactId: visitor.contactId, ...(testCase.accountId ? { accountId: testCase.accountId } : {}), roles: testCase.roles };
      assert.deepEqual(payload, expectedClaims(model, t, identity, payload), testCase.email);
      assert.equal(payload.exp! - payload.iat!, LIFETIME_SECONDS);
      versions.add(payload['ver']);
    }
    assert.equal(versions.size, cases.length);
  });

  test('sid names the session without being its secret or its stored hash', async () => {
    const first = await signedInVisitor(t, 'sid@example.com', [PARTNER_MANAGERS]);
    const second = await anotherSession(t, first);
    const sidOf = async (visitor: SignedInVisitor): Promise<string> => {
      const { payload } = await verify(t, (await fetchSet(visitor.client)).text);
      assert.equal(typeof payload['sid'], 'string');
      return payload['sid'] as string;
    };
    const sid = await sidOf(first);
    assert.match(sid, /^[A-Za-z0-9_-]{22}$/);
    for (const secret of [first.token, first.idHash]) {
      assert.ok(!secret.includes(sid) && !sid.includes(secret.slice(0, 8)), 'sid reveals the session secret or its hash');
    }
    assert.equal(await sidOf(first), sid, 'stable for a session');
    assert.notEqual(await sidOf(second), sid, 'distinct per session');
  });

  test('ETag names the exact token; If-None-Match with it gives 304 and no body', async () => {
    const visitor = await signedInVisitor(t, 'etag@example.com', [SUPPORT_AGENTS]);
    const response = await fetchSet(visitor.client);
    const etag = response.headers.get('etag');
    assert.ok(etag);
    const header = decodeProtectedHeader(response.text);
    const { payload } = await verify(t, response.text);
    assert.equal(etag, `"${header.kid}.${payload['ver']}.${payload.iat}"`);

    const unchanged = await fetchSet(visitor.client, { 'if-none-match': etag });
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.text, '');
    assert.equal(unchanged.headers.get('etag'), etag);
    assert.equal((await fetchSet(visitor.client, { 'if-none-match': `W/${etag}` })).status, 304);
    const other = await fetchSet(visitor.client, { 'if-none-match': '"someone-else"' });
    assert.equal(other.status, 200);
    assert.equal(other.text, response.text);
  });

  test('a signed set is reused within half its lifetime and replaced after', async () => {
    const visitor = await signedInVisitor(t, 'cache@example.com', [PARTNER_MANAGERS]);
    const first = await fetchSet(visitor.client);
    t.clock.advance(1_000);
    const second = await fetchSet(visitor.client);
    assert.equal(second.text, first.text, 'two requests within the half-life give the identical token');
    // iat is in whole seconds: stay a clear second inside the half-life, then step a clear second past it.
    t.clock.advance((LIFETIME_SECONDS / 2 - 3) * 1000);
    assert.equal((await fetchSet(visitor.client)).text, first.text, 'still inside the half-life');

    t.clock.advance(3_000);
    const third = await fetchSet(visitor.client);
    assert.notEqual(third.text, first.text);
    assert.notEqual(third.headers.get('etag'), first.headers.get('etag'));
    const before = await verify(t, first.text);
    const after = await verify(t, third.text);
    assert.equal(after.payload.iat, Math.floor(t.clock.now() / 1000));
    assert.ok(after.payload.iat! - before.payload.iat! >= LIFETIME_SECONDS / 2);
    assert.equal(after.payload['ver'], before.payload['ver']);
    // The old ETag no longer matches: the page gets the fresh token.
    assert.equal((await fetchSet(visitor.client, { 'if-none-match': first.headers.get('etag')! })).status, 200);
  });

  test('a role change shows at once as a new ver (no waiting for the cache)', async () => {
    const visitor = await signedInVisitor(t, 'change@example.com', [PARTNER_MANAGERS]);
    const before = await fetchSet(visitor.client);
    const beforeClaims = (await verify(t, before.text)).payload;

    await t.server.context.contacts.assignRole(visitor.contactId, SUPPORT_AGENTS);
    const changed = await fetchSet(visitor.client, { 'if-none-match': before.headers.get('etag')! });
    assert.equal(changed.status, 200);
    const changedClaims = (await verify(t, changed.text)).payload;
    assert.notEqual(changedClaims['ver'], beforeClaims['ver']);
    assert.deepEqual(changedClaims['roles'], [AUTHENTICATED, PARTNER_MANAGERS, SUPPORT_AGENTS]);
    assert.deepEqual(
      changedClaims,
      expectedClaims(model, t, { contactId: visitor.contactId, roles: [PARTNER_MANAGERS, SUPPORT_AGENTS] }, changedClaims),
    );

    await t.server.context.contacts.revokeRole(visitor.contactId, SUPPORT_AGENTS);
    const revoked = await fetchSet(visitor.client);
    assert.equal((await verify(t, revoked.text)).payload['ver'], beforeClaims['ver']);
    assert.equal(revoked.text, before.text, 'the earlier rights’ token is still cached and reused');
  });

  test('an ended session gets the anonymous set', async () => {
    const visitor = await signedInVisitor(t, 'ended@example.com', [SUPPORT_AGENTS]);
    await t.server.context.sessions.end(visitor.idHash, 'sign-out');
    const { payload } = await verify(t, (await fetchSet(visitor.client)).text);
    assert.equal(payload.sub, undefined);
    assert.deepEqual(payload['roles'], [ANONYMOUS]);
  });

  test('a tampered payload fails verification (the check above can fail)', async () => {
    const visitor = await signedInVisitor(t, 'tamper@example.com', [PARTNER_MANAGERS]);
    const token = (await fetchSet(visitor.client)).text;
    await verify(t, token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.roles = [...claims.roles, SUPPORT_AGENTS];
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    await assert.rejects(verify(t, forged), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    // Nor is a set accepted for another audience or issuer.
    const jwkSet = createLocalJWKSet(await jwks(t));
    await assert.rejects(jwtVerify(token, jwkSet, { audience: 'https://elsewhere.example', currentDate: new Date(t.clock.now()) }), {
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
    });
  });

  test('unexpected query parameters are refused', async () => {
    const response = await t.client().get('/permissions?debug=1');
    assert.equal(response.status, 400);
    assert.equal(response.body.code, 'validation-failed');
  });
});

describe('key rotation (portalkit keys rotate in another process)', () => {
  let t: TestServer;
  let config: Awaited<ReturnType<typeof demoConfigCopy>>;
  before(async () => {
    t = await startTestServer();
    config = await demoConfigCopy();
  });
  after(async () => {
    await t.close();
    await config.remove();
  });

  test('the running server signs with the new key soon after; the old one stays published until its sets expire', async () => {
    const visitor = await signedInVisitor(t, 'rotation@example.com', [SUPPORT_AGENTS]);
    const before = await fetchSet(visitor.client);
    const oldKid = decodeProtectedHeader(before.text).kid!;
    assert.deepEqual((await jwks(t)).keys.map((key) => key.kid), [oldKid]);

    const run = await runPortalkit(['keys', 'rotate', '--config', config.file, ...t.storage.cliArgs]);
    assert.equal(run.code, 0, run.stderr);
    const newKid = run.stdout.trim();
    assert.match(newKid, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newKid, oldKid);
    assert.deepEqual((await jwks(t)).keys.map((key) => key.kid), [newKid, oldKid], 'both published, the active one first');

    // The server notices without a restart (it re-reads the active key every couple of seconds).
    const started = Date.now();
    let current = before;
    while (decodeProtectedHeader(current.text).kid === oldKid) {
      assert.ok(Date.now() - started < 5_000, 'the server still signs with the retired key after 5 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = await fetchSet(visitor.client);
    }
    assert.equal(decodeProtectedHeader(current.text).kid, newKid);
    assert.notEqual(current.headers.get('etag'), before.headers.get('etag'));
    await verify(t, current.text);
    await verify(t, before.text); // sets signed before the rotation still verify

    const retired = await t.server.context.db.selectFrom('pk_signing_keys').selectAll().where('kid', '=', oldKid).executeTakeFirstOrThrow();
    assert.ok(retired.retired_at !== null && retired.publish_until !== null);
    // Published at least as long as a set signed at rotation time lives.
    assert.ok(Number(retired.publish_until) >= Number(retired.retired_at) + LIFETIME_SECONDS * 1000);

    t.clock.set(Number(retired.publish_until) - 1_000);
    assert.deepEqual((await jwks(t)).keys.map((key) => key.kid), [newKid, oldKid]);
    t.clock.set(Number(retired.publish_until) + 1);
    assert.deepEqual((await jwks(t)).keys.map((key) => key.kid), [newKid], 'the old key is gone once its sets have expired');

    const audit = await t.server.context.db.selectFrom('pk_audit').selectAll().where('action', '=', 'key-rotate').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'cli');
    assert.equal(audit[0]!.subject, newKid);
    assert.deepEqual(JSON.parse(audit[0]!.detail).retired, [oldKid]);
  });
});

describe('the first signing key', () => {
  test('two processes starting at once on an empty database end up with one active key', async () => {
    const storage = await createTestStorage();
    // Separate connections to one file, as two server processes would have; their check-then-insert
    // steps interleave at every await. (Opened one after the other: concurrent first migrations are
    // a separate matter.)
    const databases = [await openDatabase(storage.location), await openDatabase(storage.location)];
    try {
      const clock = new ManualClock(Date.now());
      const starters = databases.flatMap((database) => [
        new SigningKeys(database.db, clock, () => 5),
        new SigningKeys(database.db, clock, () => 5),
      ]);
      const kids = await Promise.all(starters.map((keys) => keys.ensureActiveKey()));
      assert.equal(new Set(kids).size, 1, `several active keys: ${kids.join(', ')}`);
      const rows = await databases[0]!.db.selectFrom('pk_signing_keys').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.kid, kids[0]);
      // And every instance signs with it.
      const active = await Promise.all(starters.map((keys) => keys.activeKey()));
      assert.deepEqual(new Set(active.map((key) => key.kid)), new Set(kids));
    } finally {
      await Promise.all(databases.map((database) => database.close()));
      await storage.remove();
    }
  });
});
