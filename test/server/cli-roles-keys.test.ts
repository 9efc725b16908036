import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../support/portal-server.js';
import type { TestServer } from '../support/portal-server.js';
import { demoConfigCopy, runPortalkit } from '../support/run-cli.js';
import type { CliRun } from '../support/run-cli.js';

describe('portalkit roles assign|revoke and keys rotate', () => {
  let t: TestServer;
  let config: Awaited<ReturnType<typeof demoConfigCopy>>;
  let contactId: string;

  const roles = (...args: string[]): Promise<CliRun> => runPortalkit(['roles', ...args, '--config', config.file, ...t.storage.cliArgs]);
  const assignedRoles = async (id: string): Promise<string[]> =>
    (await t.server.context.db.selectFrom('pk_contact_roles').select('role').where('contact_id', '=', id).orderBy('role').execute()).map((row) => row.role);
  const auditRows = (action: string) =>
    t.server.context.db.selectFrom('pk_audit').selectAll().where('action', '=', action).orderBy('id').execute();
  const eventRows = (id: string) =>
    t.server.context.db.selectFrom('pk_events').selectAll().where('contact_id', '=', id).orderBy('id').execute();

  before(async () => {
    t = await startTestServer();
    config = await demoConfigCopy();
    contactId = (await t.server.context.contacts.create({ email: 'Henry@Example.com' })).id;
  });
  after(async () => {
    await t.close();
    await config.remove();
  });

  test('assign adds the role, audits it and publishes permissions-changed; assigning again changes nothing', async () => {
    const run = await roles('assign', '--email', 'henry@example.com', '--role', 'Partner Managers');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Assigned "Partner Managers" to Henry@Example\.com/);
    assert.deepEqual(await assignedRoles(contactId), ['Partner Managers']);

    const audit = await auditRows('role-assign');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'cli');
    assert.equal(audit[0]!.outcome, 'success');
    assert.equal(audit[0]!.subject, contactId);
    assert.deepEqual(JSON.parse(audit[0]!.detail), { role: 'Partner Managers', changed: true });
    const events = await eventRows(contactId);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.kind, 'permissions-changed');
    assert.equal(events[0]!.session_hash, null);

    const again = await roles('assign', '--email', 'HENRY@example.com', '--role', 'Partner Managers');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already has "Partner Managers"; nothing changed/);
    assert.deepEqual(await assignedRoles(contactId), ['Partner Managers']);
    assert.equal((await eventRows(contactId)).length, 1, 'a no-op published an event');
    const audited = await auditRows('role-assign');
    assert.equal(audited.length, 2);
    assert.deepEqual(JSON.parse(audited[1]!.detail), { role: 'Partner Managers', changed: false });
  });

  test('revoke removes the role, audits it and publishes; revoking again changes nothing', async () => {
    await t.server.context.contacts.assignRole(contactId, 'Support Agents');
    const eventsBefore = (await eventRows(contactId)).length;
    const run = await roles('revoke', '--email', 'henry@example.com', '--role', 'Support Agents');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Revoked "Support Agents" from Henry@Example\.com/);
    assert.deepEqual(await assignedRoles(contactId), ['Partner Managers']);
    const audit = await auditRows('role-revoke');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'cli');
    assert.equal(audit[0]!.subject, contactId);
    assert.deepEqual(JSON.parse(audit[0]!.detail), { role: 'Support Agents', changed: true });
    assert.equal((await eventRows(contactId)).length, eventsBefore + 1);

    const again = await roles('revoke', '--email', 'henry@example.com', '--role', 'Support Agents');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /did not have "Support Agents"; nothing changed/);
    assert.equal((await eventRows(contactId)).length, eventsBefore + 1);
  });

  test('an unknown email is refused', async () => {
    const run = await roles('assign', '--email', 'nobody@example.com', '--role', 'Partner Managers');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /No contact with email "nobody@example\.com"/);
    assert.equal(run.stdout, '');
  });

  test('an unknown role is refused, listing the declared roles', async () => {
    const run = await roles('assign', '--email', 'henry@example.com', '--role', 'Partner Manager');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Unknown role "Partner Manager"\. Declared roles: Anonymous Users, Authenticated Users, Partner Managers, Support Agents/);
    assert.deepEqual(await assignedRoles(contactId), ['Partner Managers']);
  });

  test('the Anonymous and Authenticated roles cannot be assigned or revoked, and say why', async () => {
    const eventsBefore = (await eventRows(contactId)).length;
    const anonymous = await roles('assign', '--email', 'henry@example.com', '--role', 'Anonymous Users');
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /"Anonymous Users" applies to every visitor who is not signed in; it cannot be assigned/);
    const authenticated = await roles('assign', '--email', 'henry@example.com', '--role', 'Authenticated Users');
    assert.equal(authenticated.code, 1);
    assert.match(authenticated.stderr, /"Authenticated Users" applies to every signed-in contact; it cannot be assigned/);
    const revoke = await roles('revoke', '--email', 'henry@example.com', '--role', 'Authenticated Users');
    assert.equal(revoke.code, 1);
    assert.deepEqual(await assignedRoles(contactId), ['Partner Managers']);
    assert.equal((await eventRows(contactId)).length, eventsBefore);
    const audited = await t.server.context.db.selectFrom('pk_audit').select('detail').where('action', 'in', ['role-assign', 'role-revoke']).execute();
    assert.ok(!audited.some((row) => /Anonymous Users|Authenticated Users/.test(row.detail)));
  });

  test('a role the configuration no longer declares can still be revoked (database clean-up)', async () => {
    await t.server.context.contacts.assignRole(contactId, 'Retired Role');
    const run = await roles('revoke', '--email', 'henry@example.com', '--role', 'Retired Role');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await assignedRoles(contactId), ['Partner Managers']);
    const notAssigned = await roles('revoke', '--email', 'henry@example.com', '--role', 'Retired Role');
    assert.equal(notAssigned.code, 1);
    assert.match(notAssigned.stderr, /Unknown role "Retired Role"/);
  });

  test('usage mistakes exit 1 with the usage', async () => {
    const missing = await roles('assign', '--role', 'Partner Managers');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--email is required[\s\S]*Usage: portalkit roles assign/);
    const wrongAction = await roles('grant', '--email', 'henry@example.com', '--role', 'Partner Managers');
    assert.equal(wrongAction.code, 1);
    assert.match(wrongAction.stderr, /expected "roles assign" or "roles revoke"/);
    const help = await runPortalkit(['roles', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /cannot be assigned/);
  });

  test('audit tail shows the role changes as JSON lines', async () => {
    const run = await runPortalkit(['audit', 'tail', '--config', config.file, ...t.storage.cliArgs]);
    assert.equal(run.code, 0, run.stderr);
    const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const roleRecords = records.filter((record) => record.action === 'role-assign' || record.action === 'role-revoke');
    assert.ok(roleRecords.length >= 4);
    assert.ok(roleRecords.every((record) => record.actor === 'cli' && record.subject === contactId));
  });

  test('keys rotate prints the new kid, retires the previous key and audits it', async () => {
    const { db } = t.server.context;
    const [previous] = await db.selectFrom('pk_signing_keys').selectAll().where('retired_at', 'is', null).execute();
    assert.ok(previous);
    const run = await runPortalkit(['keys', 'rotate', '--config', config.file, ...t.storage.cliArgs]);
    assert.equal(run.code, 0, run.stderr);
    const kid = run.stdout.trim();
    assert.match(kid, /^[A-Za-z0-9_-]{43}$/);

    const keys = await db.selectFrom('pk_signing_keys').selectAll().orderBy('created_at').execute();
    const active = keys.filter((key) => key.retired_at === null);
    assert.deepEqual(active.map((key) => key.kid), [kid]);
    const retired = keys.find((key) => key.kid === previous.kid);
    assert.ok(retired?.retired_at !== null && retired?.publish_until !== null);
    assert.ok(Number(retired!.publish_until) - Number(retired!.retired_at) >= 5 * 60_000);
    assert.ok(!JSON.parse(keys.find((key) => key.kid === kid)!.public_jwk).d, 'the public half holds a private member');

    const audit = await auditRows('key-rotate');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'cli');
    assert.equal(audit[0]!.subject, kid);
    assert.deepEqual(JSON.parse(audit[0]!.detail).retired, [previous.kid]);

    const wrong = await runPortalkit(['keys', 'spin', '--config', config.file, ...t.storage.cliArgs]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /expected "keys rotate"/);
  });
});
