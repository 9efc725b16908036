import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import { STRONG_PASSWORD, auditRows, clearRateLimits, createAccount, demoConfigCopy, portalkit, signIn, uniqueEmail } from '../support/local-accounts.js';
import type { CliRun } from '../support/local-accounts.js';

const DAY = 24 * 60 * 60 * 1000;
const DECLARED_ROLES = 'Anonymous Users, Authenticated Users, Partner Managers, Support Agents';

/** The real bin against the running test server's data directory (the demo config: invitation-only registration). */
describe('portalkit contacts and invite, against a running server', () => {
  let t: TestServer;
  let config: Awaited<ReturnType<typeof demoConfigCopy>>;
  const cli = (args: string[], stdin?: string): Promise<CliRun> => portalkit([...args, '--config', config.file, ...t.storage.cliArgs], stdin);

  before(async () => {
    t = await startTestServer();
    config = await demoConfigCopy();
  });
  after(async () => {
    await t.close();
    await config.dispose();
  });
  beforeEach(() => clearRateLimits(t));

  const register = (email: string, invitationCode: string) =>
    t.client().post('/auth/local/register', { email, password: STRONG_PASSWORD, invitationCode });

  describe('contacts add / list', () => {
    test('adds a contact with the password from stdin and its roles; it can sign in', async () => {
      const email = uniqueEmail('cli');
      const run = await cli(['contacts', 'add', '--email', email, '--username', 'cli.user', '--role', 'Support Agents'], `${STRONG_PASSWORD}\n`);
      assert.equal(run.code, 0, run.stderr);
      const id = run.stdout.trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.ok(!run.stdout.includes(STRONG_PASSWORD) && !run.stderr.includes(STRONG_PASSWORD));

      const client = t.client();
      const signedIn = await signIn(client, 'cli.user', STRONG_PASSWORD);
      assert.equal(signedIn.status, 200, signedIn.text);
      assert.equal(signedIn.body.contact.id, id);
      assert.deepEqual((await client.get('/me')).body.roles, ['Authenticated Users', 'Support Agents']);
      const audit = (await auditRows(t, 'contact-create')).filter((row) => row.subject === id);
      assert.equal(audit[0]?.actor, 'cli');
    });

    test('eight CLI processes adding contacts at once, next to the serving server: every one succeeds', async () => {
      // Read-then-write transactions used to start deferred: a commit by another process in between
      // gave SQLITE_BUSY at once (a stale snapshot is not waited out by the busy timeout).
      const emails = Array.from({ length: 8 }, (_, i) => uniqueEmail(`parallel${i}`));
      const runs = await Promise.all(emails.map((email) => cli(['contacts', 'add', '--email', email, '--role', 'Support Agents'], `${STRONG_PASSWORD}\n`)));
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      for (const email of emails) assert.ok(await t.server.context.contacts.byEmail(email), email);
    });

    test('refuses a weak password, a taken email and an unknown role, creating nothing', async () => {
      const email = uniqueEmail('weak');
      const weak = await cli(['contacts', 'add', '--email', email], 'password\n');
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /The password must be at least 12 characters long/);
      assert.equal(await t.server.context.contacts.byEmail(email), undefined);

      assert.equal((await cli(['contacts', 'add', '--email', email], `${STRONG_PASSWORD}\n`)).code, 0);
      const duplicate = await cli(['contacts', 'add', '--email', email.toUpperCase()], `${STRONG_PASSWORD}\n`);
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.stderr, /already exists/);

      const other = uniqueEmail('role');
      const unknownRole = await cli(['contacts', 'add', '--email', other, '--role', 'Administrators'], `${STRONG_PASSWORD}\n`);
      assert.equal(unknownRole.code, 1);
      assert.ok(unknownRole.stderr.includes(`Unknown role "Administrators". Declared roles: ${DECLARED_ROLES}.`), unknownRole.stderr);
      assert.equal(await t.server.context.contacts.byEmail(other), undefined);
    });

    test('lists contacts as JSON lines', async () => {
      const email = uniqueEmail('listed');
      assert.equal((await cli(['contacts', 'add', '--email', email, '--role', 'Partner Managers'], `${STRONG_PASSWORD}\n`)).code, 0);
      const run = await cli(['contacts', 'list', '--json']);
      assert.equal(run.code, 0, run.stderr);
      const contacts = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { email: string; roles: string[] });
      const listed = contacts.find((contact) => contact.email === email);
      assert.deepEqual(listed?.roles, ['Partner Managers']);
    });
  });

  describe('invite', () => {
    test('prints a code once (only its hash is stored); registering with it assigns the roles; a second use is refused', async () => {
      const run = await cli(['invite', '--role', 'Partner Managers']);
      assert.equal(run.code, 0, run.stderr);
      const code = run.stdout.trim();
      assert.match(run.stdout, /^[A-Za-z0-9_-]{43}\n$/);
      assert.match(run.stderr, /shown only now/);

      const stored = await t.server.context.db.selectFrom('pk_invitations').selectAll().where('code_hash', '=', createHash('sha256').update(code).digest('hex')).executeTakeFirstOrThrow();
      assert.equal(stored.max_redemptions, 1);
      assert.deepEqual(JSON.parse(stored.roles), ['Partner Managers']);
      const nowish = Date.now();
      assert.ok(Math.abs(Number(stored.expires_at) - (nowish + 14 * DAY)) < 60_000, 'expiry from invitations.expiryDays');
      const everything = JSON.stringify(await t.server.context.db.selectFrom('pk_invitations').selectAll().execute()) + JSON.stringify(await auditRows(t));
      assert.ok(!everything.includes(code), 'the code itself is stored nowhere');
      const created = (await auditRows(t, 'invitation-create')).at(-1);
      assert.equal(created?.actor, 'cli');
      assert.deepEqual(created?.detail['roles'], ['Partner Managers']);

      const client = t.client();
      const first = await client.post('/auth/local/register', { email: uniqueEmail('invitee'), password: STRONG_PASSWORD, invitationCode: code });
      assert.equal(first.status, 201, first.text);
      assert.deepEqual((await client.get('/me')).body.roles, ['Authenticated Users', 'Partner Managers']);
      const second = await register(uniqueEmail('second'), code);
      assert.equal(second.status, 400);
      assert.equal(second.body.code, 'invalid-invitation');
    });

    test('an email-bound invitation with an account works only for that email', async () => {
      const accountId = await createAccount(t, 'Northwind');
      const email = uniqueEmail('bound');
      const run = await cli(['invite', '--email', email, '--account', accountId, '--expires-days', '2']);
      assert.equal(run.code, 0, run.stderr);
      const code = run.stdout.trim();
      const stored = await t.server.context.db.selectFrom('pk_invitations').selectAll().where('code_hash', '=', createHash('sha256').update(code).digest('hex')).executeTakeFirstOrThrow();
      assert.ok(Math.abs(Number(stored.expires_at) - (Date.now() + 2 * DAY)) < 60_000);

      const intruder = await register(uniqueEmail('intruder'), code);
      assert.equal(intruder.status, 400);
      assert.equal(intruder.body.code, 'invalid-invitation');
      const client = t.client();
      const invited = await client.post('/auth/local/register', { email, password: STRONG_PASSWORD, invitationCode: code });
      assert.equal(invited.status, 201, invited.text);
      assert.equal((await client.get('/me')).body.accountId, accountId);
    });

    test('a group invitation admits --max-redemptions registrations', async () => {
      const run = await cli(['invite', '--max-redemptions', '2']);
      assert.equal(run.code, 0, run.stderr);
      const code = run.stdout.trim();
      assert.equal((await register(uniqueEmail('group'), code)).status, 201);
      assert.equal((await register(uniqueEmail('group'), code)).status, 201);
      assert.equal((await register(uniqueEmail('group'), code)).status, 400);
    });

    test('refuses unknown roles (listing the declared ones), the Anonymous role, unknown accounts and bad numbers', async () => {
      const before = await t.server.context.db.selectFrom('pk_invitations').select('code_hash').execute();
      const unknown = await cli(['invite', '--email', uniqueEmail(), '--role', 'Partner Managers', '--role', 'Root']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stdout, '');
      assert.ok(unknown.stderr.includes(`Unknown role "Root". Declared roles: ${DECLARED_ROLES}.`), unknown.stderr);
      const anonymous = await cli(['invite', '--role', 'Anonymous Users']);
      assert.equal(anonymous.code, 1);
      assert.match(anonymous.stderr, /cannot be assigned/);
      const account = await cli(['invite', '--account', 'no-such-account']);
      assert.equal(account.code, 1);
      assert.match(account.stderr, /No account with id "no-such-account"/);
      for (const args of [['--max-redemptions', '0'], ['--max-redemptions', '1.5'], ['--expires-days', '-1'], ['--expires-days', '9999'], ['--email', 'not an email']]) {
        const bad = await cli(['invite', ...args]);
        assert.equal(bad.code, 1, args.join(' '));
        assert.equal(bad.stdout, '');
        assert.match(bad.stderr, /Usage: portalkit invite/);
      }
      const afterwards = await t.server.context.db.selectFrom('pk_invitations').select('code_hash').execute();
      assert.equal(afterwards.length, before.length, 'no invitation was created');
    });
  });
});
