import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '@node-rs/argon2';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import type { TestResponse } from '../support/http-client.js';
import { auditRows, clearRateLimits, createContact, credentialOf, signIn, uniqueEmail } from '../support/local-accounts.js';

const MINUTE = 60_000;
const LOCKOUT_MINUTES = 15; // the demo configuration's lockout.durationMinutes; threshold 5

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Every header except the ones that legitimately vary per response. */
function stableHeaders(response: TestResponse): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
}

async function lock(t: TestServer, email: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) assert.equal((await signIn(t.client(), email, `Wrong-password-${attempt}`)).status, 401);
}

describe('lockout', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ configure: (config) => void (config.authentication!.local!.registration = 'open') });
  });
  after(() => t.close());
  beforeEach(() => clearRateLimits(t));

  test('unknown login, wrong password and locked account get identical responses', async () => {
    const locked = await createContact(t);
    const other = await createContact(t);
    await lock(t, locked.email);
    const responses = {
      unknown: await signIn(t.client(), uniqueEmail('nobody'), other.password),
      wrongPassword: await signIn(t.client(), other.email, 'Not-the-password-1'),
      lockedRightPassword: await signIn(t.client(), locked.email, locked.password),
      lockedWrongPassword: await signIn(t.client(), locked.email, 'Not-the-password-1'),
    };
    const reference = responses.unknown;
    assert.equal(reference.status, 401);
    assert.equal(reference.body.code, 'invalid-credentials');
    assert.equal(reference.body.instance, undefined, 'no per-request id that would tell the responses apart');
    for (const [name, response] of Object.entries(responses)) {
      assert.equal(response.status, 401, name);
      assert.equal(response.text, reference.text, name);
      assert.deepEqual(response.body, reference.body, name);
      assert.deepEqual(stableHeaders(response), stableHeaders(reference), name);
      assert.deepEqual(response.headers.getSetCookie(), [], name);
    }
    const reasons = (await auditRows(t, 'sign-in')).filter((row) => row.outcome === 'failure').slice(-4).map((row) => row.detail['reason']);
    assert.deepEqual(reasons, ['unknown-login', 'wrong-password', 'locked', 'locked']);
  });

  test('unknown login, wrong password and locked account take similar time (each runs one argon2 verification)', async () => {
    const locked = await createContact(t);
    const other = await createContact(t);
    await lock(t, locked.email);
    const samples: Record<'unknown' | 'wrong' | 'locked', number[]> = { unknown: [], wrong: [], locked: [] };
    const time = async (kind: keyof typeof samples, login: string, password: string, status: number) => {
      const started = performance.now();
      const response = await signIn(t.client(), login, password);
      samples[kind].push(performance.now() - started);
      assert.equal(response.status, status);
    };
    for (let round = 0; round < 6; round++) {
      await time('unknown', uniqueEmail('nobody'), 'Not-the-password-1', 401);
      await time('wrong', other.email, `Not-the-password-${round}`, 401);
      await time('locked', locked.email, locked.password, 401);
      if (round === 2) {
        // Stay under the per-login rate limit and the lockout threshold for `other`.
        await clearRateLimits(t);
        await t.server.context.db.updateTable('pk_credentials').set({ failed_attempts: 0 }).where('contact_id', '=', other.id).execute();
      }
    }
    // What one verification of a stored hash costs here (the server runs in this process).
    const { password_hash: storedHash } = (await credentialOf(t, other.id))!;
    const verifications: number[] = [];
    for (let round = 0; round < 6; round++) {
      const started = performance.now();
      await verify(storedHash, 'Not-the-password-1');
      verifications.push(performance.now() - started);
    }
    const medians = { unknown: median(samples.unknown), wrong: median(samples.wrong), locked: median(samples.locked) };
    const slowest = Math.max(...Object.values(medians));
    const fastest = Math.min(...Object.values(medians));
    assert.ok(slowest / fastest < 2.5, `medians too far apart: ${JSON.stringify(medians)}`);
    assert.ok(fastest >= 0.8 * median(verifications), `a path skipped the verification: ${JSON.stringify({ medians, verification: median(verifications) })}`);
  });

  test('locks at the threshold (audited once), refuses the right password while locked without counting, and unlocks after the duration', async () => {
    const contact = await createContact(t);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await signIn(t.client(), contact.email, `Wrong-password-${attempt}`);
      assert.deepEqual({ ...(await credentialOf(t, contact.id)), password_hash: '' }, { failed_attempts: attempt, locked_until: null, password_hash: '' });
    }
    const lockedAt = t.clock.now();
    await signIn(t.client(), contact.email, 'Wrong-password-5');
    const locked = await credentialOf(t, contact.id);
    assert.equal(locked?.failed_attempts, 5);
    assert.equal(Number(locked?.locked_until), lockedAt + LOCKOUT_MINUTES * MINUTE);
    const lockouts = (await auditRows(t, 'lockout')).filter((row) => row.subject === contact.id);
    assert.equal(lockouts.length, 1);

    t.clock.advance(LOCKOUT_MINUTES * MINUTE - 1000);
    await clearRateLimits(t);
    assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 401, 'the right password during a lockout');
    assert.equal((await signIn(t.client(), contact.email, 'Wrong-password-6')).status, 401);
    const during = await credentialOf(t, contact.id);
    assert.equal(during?.failed_attempts, 5, 'failures during a lockout are not counted');
    assert.equal(Number(during?.locked_until), lockedAt + LOCKOUT_MINUTES * MINUTE, 'nor do they extend it');
    assert.equal((await auditRows(t, 'lockout')).filter((row) => row.subject === contact.id).length, 1);

    t.clock.advance(1000);
    const client = t.client();
    assert.equal((await signIn(client, contact.email, contact.password)).status, 200);
    assert.equal((await client.get('/me')).status, 200);
    assert.deepEqual({ ...(await credentialOf(t, contact.id)), password_hash: '' }, { failed_attempts: 0, locked_until: null, password_hash: '' });
  });

  test('after a lockout expires the count restarts; a success resets it', async () => {
    const contact = await createContact(t);
    await lock(t, contact.email);
    t.clock.advance(LOCKOUT_MINUTES * MINUTE);
    await signIn(t.client(), contact.email, 'Wrong-again-1');
    assert.deepEqual({ ...(await credentialOf(t, contact.id)), password_hash: '' }, { failed_attempts: 1, locked_until: null, password_hash: '' });
    await signIn(t.client(), contact.email, 'Wrong-again-2');
    await signIn(t.client(), contact.email, 'Wrong-again-3');
    assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 200);
    assert.equal((await credentialOf(t, contact.id))?.failed_attempts, 0);
    for (let attempt = 0; attempt < 4; attempt++) await signIn(t.client(), contact.email, `Wrong-later-${attempt}`);
    assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 200, 'four failures after a success do not lock');
  });

  test('concurrent wrong passwords are all counted, and exactly one starts the lockout', async () => {
    const contact = await createContact(t);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, index) => signIn(t.client(), contact.email, `Parallel-wrong-${index}`)));
    assert.ok(responses.every((response) => response.status === 401));
    const credential = await credentialOf(t, contact.id);
    assert.equal(credential?.failed_attempts, 5);
    assert.ok(credential?.locked_until);
    assert.equal((await auditRows(t, 'lockout')).filter((row) => row.subject === contact.id).length, 1);
  });

  test('a wrong current password on /auth/password counts, and locks like a sign-in', async () => {
    const contact = await createContact(t);
    const client = t.client();
    assert.equal((await signIn(client, contact.email, contact.password)).status, 200);
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await client.post('/auth/password', { currentPassword: `Wrong-current-${attempt}`, newPassword: 'Brand-new-secret-7' });
      assert.equal(response.status, 401);
      assert.equal(response.body.code, 'invalid-credentials');
    }
    assert.ok((await credentialOf(t, contact.id))?.locked_until);
    const whileLocked = await client.post('/auth/password', { currentPassword: contact.password, newPassword: 'Brand-new-secret-7' });
    assert.equal(whileLocked.status, 401);
    assert.equal((await client.get('/me')).status, 200, 'a lockout does not end a session');
  });
});

describe('rate limits', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ configure: (config) => void (config.authentication!.local!.registration = 'open') });
  });
  after(() => t.close());
  beforeEach(() => clearRateLimits(t));

  function assertRateLimited(response: TestResponse, maxSeconds: number): number {
    assert.equal(response.status, 429, response.text);
    assert.equal(response.body.code, 'rate-limited');
    const retryAfter = Number(response.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds, `Retry-After ${retryAfter}`);
    assert.equal(response.body.retryAfter, retryAfter);
    return retryAfter;
  }

  test('sign-in: 10 a minute per login (any case), then 429 with Retry-After until the window passes', async () => {
    const login = uniqueEmail('target');
    for (let attempt = 0; attempt < 10; attempt++) {
      assert.equal((await signIn(t.client(), attempt % 2 ? login : login.toUpperCase(), 'Guess-password-1')).status, 401);
    }
    const limited = await signIn(t.client(), login, 'Guess-password-1');
    const retryAfter = assertRateLimited(limited, 60);
    const audited = (await auditRows(t, 'sign-in')).filter((row) => row.subject?.toLowerCase() === login);
    assert.equal(audited.length, 10, 'a refused request never reaches the password check');
    assert.equal((await signIn(t.client(), uniqueEmail('bystander'), 'Guess-password-1')).status, 401, 'other logins are unaffected');

    t.clock.advance(retryAfter * 1000);
    assert.equal((await signIn(t.client(), login, 'Guess-password-1')).status, 401);
  });

  test('the right password is also refused while the login is over its limit', async () => {
    const contact = await createContact(t);
    for (let attempt = 0; attempt < 10; attempt++) assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 200);
    assertRateLimited(await signIn(t.client(), contact.email, contact.password), 60);
    t.clock.advance(MINUTE);
    assert.equal((await signIn(t.client(), contact.email, contact.password)).status, 200);
  });

  test('sign-in: 30 a minute per client address, across logins', async () => {
    for (let attempt = 0; attempt < 30; attempt++) assert.equal((await signIn(t.client(), uniqueEmail('spray'), 'Spray-password-1')).status, 401);
    assertRateLimited(await signIn(t.client(), uniqueEmail('spray'), 'Spray-password-1'), 60);
    t.clock.advance(MINUTE);
    assert.equal((await signIn(t.client(), uniqueEmail('spray'), 'Spray-password-1')).status, 401);
  });

  test('concurrent attempts cannot slip past the count', async () => {
    const login = uniqueEmail('burst');
    const responses = await Promise.all(Array.from({ length: 16 }, () => signIn(t.client(), login, 'Burst-password-1')));
    const statuses = responses.map((response) => response.status).sort();
    assert.deepEqual(statuses, [...Array(10).fill(401), ...Array(6).fill(429)]);
    const row = await t.server.context.db.selectFrom('pk_rate_limits').select('count').where('key', 'like', 'sign-in:login:%').executeTakeFirstOrThrow();
    assert.equal(Number(row.count), 16);
  });

  test('registration: 10 an hour per client address', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      assert.equal((await t.client().post('/auth/local/register', { email: uniqueEmail('signup'), password: 'Signup-password-1' })).status, 201);
    }
    const email = uniqueEmail('signup');
    assertRateLimited(await t.client().post('/auth/local/register', { email, password: 'Signup-password-1' }), 3600);
    assert.equal(await t.server.context.contacts.byEmail(email), undefined);
    t.clock.advance(60 * MINUTE);
    assert.equal((await t.client().post('/auth/local/register', { email, password: 'Signup-password-1' })).status, 201);
  });

  test('reset requests: 3 per 15 minutes per email, 10 per client address', async () => {
    const contact = await createContact(t);
    const sentBefore = t.mail.length;
    for (let attempt = 0; attempt < 3; attempt++) assert.equal((await t.client().post('/auth/password-reset/request', { email: contact.email })).status, 202);
    assertRateLimited(await t.client().post('/auth/password-reset/request', { email: contact.email.toUpperCase() }), 15 * 60);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(t.mail.slice(sentBefore).length, 3, 'no mail beyond the limit');

    await clearRateLimits(t);
    for (let attempt = 0; attempt < 10; attempt++) {
      assert.equal((await t.client().post('/auth/password-reset/request', { email: uniqueEmail('reset') })).status, 202);
    }
    assertRateLimited(await t.client().post('/auth/password-reset/request', { email: uniqueEmail('reset') }), 15 * 60);
  });

  test('limits hold across server processes sharing the database', async () => {
    const second = await startTestServer({ storage: t.storage, configure: (config) => void (config.authentication!.local!.registration = 'open') });
    try {
      second.clock.set(t.clock.now());
      const login = uniqueEmail('distributed');
      for (let attempt = 0; attempt < 10; attempt++) {
        const server = attempt % 2 ? second : t;
        assert.equal((await signIn(server.client(), login, 'Guess-password-1')).status, 401);
      }
      assertRateLimited(await signIn(second.client(), login, 'Guess-password-1'), 60);
      assertRateLimited(await signIn(t.client(), login, 'Guess-password-1'), 60);
    } finally {
      await second.close();
    }
  });

  test('counters of long-past windows are pruned', async () => {
    const db = t.server.context.db;
    await db.insertInto('pk_rate_limits').values({ key: 'sign-in:ip:203.0.113.9', window_start: t.clock.now() - 3 * 24 * 60 * MINUTE, count: 7 }).execute();
    t.clock.advance(2 * 24 * 60 * MINUTE);
    assert.equal((await signIn(t.client(), uniqueEmail('prune'), 'Guess-password-1')).status, 401);
    const keys = (await db.selectFrom('pk_rate_limits').select('key').execute()).map((row) => row.key);
    assert.ok(!keys.includes('sign-in:ip:203.0.113.9'));
    assert.ok(keys.includes('sign-in:ip:127.0.0.1'));
  });
});
