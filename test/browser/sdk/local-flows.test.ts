/**
 * Local account flows against a real `portalkit serve` (test/wtr/portal-server-plugin.mjs): typed
 * errors, lockout that looks like a wrong password, rate limits, invitation sign-up, password change
 * and reset through the mailed token, and sign-out.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createPortalClient } from '../../../packages/sdk/src/index.js';
import type { PortalClient, PortalState } from '../../../packages/sdk/src/index.js';
import { InvalidCredentialsError, RateLimitedError, ValidationError } from '../../../packages/sdk/src/errors/index.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

interface Fresh { id: string; email: string; username: string; password: string }
const fresh = (roles: string[] = []): Promise<Fresh> => executeServerCommand('portalkit-create-contact', { roles }) as Promise<Fresh>;
const cli = (args: string[], stdin?: string) =>
  executeServerCommand('portalkit-cli', { args, ...(stdin ? { stdin } : {}) }) as Promise<{ code: number; stdout: string; stderr: string }>;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function until(condition: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('local sign-in flows (real server)', () => {
  let client: PortalClient;
  beforeEach(async () => {
    await executeServerCommand('portalkit-reset-rate-limits');
    client = createPortalClient({ server: serverUrl, storage: 'memory' });
    await client.ready;
    if (client.state.status === 'signedIn') await client.signOut();
  });
  afterEach(async () => {
    if (client.state.status === 'signedIn') await client.signOut();
    client.dispose();
  });

  it('signs in, becomes signedIn with the verified roles, and signs out to anonymous', async () => {
    const contact = await fresh(['Support Agents']);
    const seen: PortalState['status'][] = [];
    client.subscribe((state) => seen.push(state.status));
    expect(client.state.status).to.equal('anonymous');
    expect(client.can('read', 'incident')).to.equal(false);
    const summary = await client.signIn({ login: contact.email, password: contact.password });
    expect(summary.id).to.equal(contact.id);
    expect(client.state).to.include({ status: 'signedIn' });
    expect(client.state.status === 'signedIn' && client.state.contact.id).to.equal(contact.id);
    expect(client.hasRole('Support Agents')).to.equal(true);
    expect(client.can('delete', 'incident')).to.equal(true);
    expect(client.canReadPage('/partners')).to.equal(true);
    await client.signOut();
    expect(client.state.status).to.equal('anonymous');
    expect(client.hasRole('Support Agents')).to.equal(false);
    expect(client.canReadPage('/partners')).to.equal(false);
    // Sign-out closes at once (no set: no roles), then the verified anonymous set arrives.
    expect(seen.filter((status, i) => status !== seen[i - 1])).to.deep.equal(['signedIn', 'anonymous']);
    expect(client.state.status === 'anonymous' && client.state.roles).to.deep.equal(['Anonymous Users']);
  });

  it('a wrong password is an InvalidCredentialsError and changes nothing', async () => {
    const contact = await fresh();
    const error = await rejection(client.signIn({ login: contact.username, password: 'not-the-password' }));
    expect(error).to.be.instanceOf(InvalidCredentialsError);
    expect((error as InvalidCredentialsError).status).to.equal(401);
    expect(client.state.status).to.equal('anonymous');
  });

  it('a locked-out account gets exactly the wrong-password error, even with the right password', async () => {
    const contact = await fresh();
    const wrong = [];
    for (let i = 0; i < 5; i++) wrong.push(await rejection(client.signIn({ login: contact.email, password: `wrong-${i}` })));
    const locked = await rejection(client.signIn({ login: contact.email, password: contact.password }));
    const unknown = await rejection(client.signIn({ login: `nobody-${contact.username}@test.example`, password: contact.password }));
    for (const error of [locked, unknown]) {
      expect(error).to.be.instanceOf(InvalidCredentialsError);
      expect((error as InvalidCredentialsError).problem).to.deep.equal((wrong[0] as InvalidCredentialsError).problem);
      expect((error as InvalidCredentialsError).message).to.equal((wrong[0] as InvalidCredentialsError).message);
    }
    expect(client.state.status).to.equal('anonymous');
  });

  it('too many attempts for one login give RateLimitedError with a retry time', async () => {
    const contact = await fresh();
    let limited: unknown;
    // Fixed windows: 25 tries put more than 10 into one window even when they straddle a boundary.
    for (let i = 0; i < 25 && !limited; i++) {
      const error = await rejection(client.signIn({ login: contact.username, password: `wrong-${i}` }));
      if (error instanceof RateLimitedError) limited = error;
      else expect(error).to.be.instanceOf(InvalidCredentialsError);
    }
    expect(limited).to.be.instanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterSeconds).to.be.a('number').above(0);
    expect(client.state.status).to.equal('anonymous');
  });

  it('registers with an invitation code from `portalkit invite`; a reused code is refused', async () => {
    const invite = await cli(['invite', '--role', 'Partner Managers']);
    expect(invite.code).to.equal(0);
    const code = invite.stdout.trim().split('\n')[0]!.trim();
    const email = `reg-${Date.now().toString(36)}@test.example`;
    const contact = await client.register({ email, password: 'Register-Pass-2026!', invitationCode: code });
    expect(client.state.status === 'signedIn' && client.state.contact.id).to.equal(contact.id);
    expect(client.hasRole('Partner Managers')).to.equal(true);
    await client.signOut();
    const reused = await rejection(client.register({ email: `x${email}`, password: 'Register-Pass-2026!', invitationCode: code }));
    expect(reused).to.have.property('status').that.is.within(400, 499);
    expect(client.state.status).to.equal('anonymous');
  });

  it('hostile registration input gets a typed ValidationError with field paths', async () => {
    const error = await rejection(
      client.register({ email: '<script>alert(1)</script>', password: 'x'.repeat(5000), firstname: 'a\u0000b' }),
    );
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).errors.length).to.be.above(0);
    for (const field of (error as ValidationError).errors) expect(field.path).to.match(/^\//);
    expect(client.state.status).to.equal('anonymous');
  });

  it('changes the password: the old one stops working, the new one works', async () => {
    const contact = await fresh();
    await client.signIn({ login: contact.email, password: contact.password });
    const wrongCurrent = await rejection(client.changePassword({ currentPassword: 'nope-nope-nope', newPassword: 'Changed-Pass-2026!' }));
    expect(wrongCurrent).to.be.instanceOf(InvalidCredentialsError);
    await client.changePassword({ currentPassword: contact.password, newPassword: 'Changed-Pass-2026!' });
    expect(client.state.status).to.equal('signedIn');
    await client.signOut();
    expect(await rejection(client.signIn({ login: contact.email, password: contact.password }))).to.be.instanceOf(InvalidCredentialsError);
    await client.signIn({ login: contact.email, password: 'Changed-Pass-2026!' });
    expect(client.state.status).to.equal('signedIn');
  });

  it('resets the password with the mailed token, once', async () => {
    const contact = await fresh();
    await client.requestPasswordReset({ email: contact.email });
    let text = '';
    await until(async () => {
      const mail = (await executeServerCommand('portalkit-last-mail', { to: contact.email })) as { text: string } | false;
      text = mail ? mail.text : '';
      return /token=/.test(text);
    }, 5000);
    const token = new URL(/https?:\/\/\S+/.exec(text)![0]).searchParams.get('token')!;
    await client.confirmPasswordReset({ token, newPassword: 'Reset-Pass-2026!!' });
    const replay = await rejection(client.confirmPasswordReset({ token, newPassword: 'Another-Pass-2026!' }));
    expect(replay).to.have.property('status').that.is.within(400, 499);
    await client.signIn({ login: contact.email, password: 'Reset-Pass-2026!!' });
    expect(client.state.status).to.equal('signedIn');
  });
});
