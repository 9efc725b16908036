/**
 * Keeping pages in step with a real server: a role assigned with the CLI reaches an open client through
 * `/events`, and a sign-out in one tab (an iframe page with its own client) closes the other within 2 s.
 * Forged tab messages only trigger a verified refresh.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createPortalClient } from '../../../packages/sdk/src/index.js';
import type { PortalClient } from '../../../packages/sdk/src/index.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl, tabPageUrl } from '/__portalkit__.js';

interface Fresh { id: string; email: string; username: string; password: string }
const fresh = (roles: string[] = []): Promise<Fresh> => executeServerCommand('portalkit-create-contact', { roles }) as Promise<Fresh>;

async function until(condition: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describe('sync (real server)', () => {
  let client: PortalClient;
  beforeEach(async () => {
    await executeServerCommand('portalkit-reset-rate-limits');
    client = createPortalClient({ server: serverUrl, storage: 'memory' });
    await client.ready;
  });
  afterEach(async () => {
    if (client.state.status === 'signedIn') await client.signOut();
    client.dispose();
  });

  it('`portalkit roles assign` / `revoke` reach an open client within 2 s', async () => {
    const contact = await fresh();
    await client.signIn({ login: contact.email, password: contact.password });
    expect(client.hasRole('Support Agents')).to.equal(false);
    // Let the event stream of the new session open before the change.
    await new Promise((r) => setTimeout(r, 300));
    const assign = (await executeServerCommand('portalkit-cli', { args: ['roles', 'assign', '--email', contact.email, '--role', 'Support Agents'] })) as { code: number };
    expect(assign.code).to.equal(0);
    await until(() => client.hasRole('Support Agents'), 2000);
    expect(client.can('delete', 'incident')).to.equal(true);
    await executeServerCommand('portalkit-cli', { args: ['roles', 'revoke', '--email', contact.email, '--role', 'Support Agents'] });
    await until(() => !client.hasRole('Support Agents'), 2000);
    expect(client.can('delete', 'incident')).to.equal(false);
  });

  it('sign-out in another tab closes this one within 2 s', async () => {
    const contact = await fresh(['Partner Managers']);
    await client.signIn({ login: contact.email, password: contact.password });
    expect(client.canReadPage('/partners')).to.equal(true);
    const frame = document.createElement('iframe');
    const tabStates: { status: string }[] = [];
    const onMessage = (event: MessageEvent) => {
      if (event.source === frame.contentWindow && event.data?.type === 'portalkit-tab-state') tabStates.push(event.data.state);
    };
    window.addEventListener('message', onMessage);
    frame.src = tabPageUrl;
    document.body.append(frame);
    try {
      await until(() => tabStates.at(-1)?.status === 'signedIn', 5000);
      frame.contentWindow!.postMessage({ type: 'portalkit-tab-sign-out' }, location.origin);
      const elapsed = await until(() => client.state.status === 'anonymous', 2000);
      expect(elapsed).to.be.below(2000);
      expect(client.canReadPage('/partners')).to.equal(false);
      expect(client.hasRole('Partner Managers')).to.equal(false);
    } finally {
      window.removeEventListener('message', onMessage);
      frame.remove();
    }
  });

  it('a forged tab message grants nothing: the client only revalidates with the server', async () => {
    expect(client.state.status).to.equal('anonymous');
    const channel = new BroadcastChannel(`portalkit:${client.server}`);
    channel.postMessage({ v: 1, kind: 'visitor-changed', roles: ['Support Agents'], sub: 'attacker' });
    channel.postMessage({ v: 1, kind: 'permissions-changed', rights: { tables: { incident: { delete: [{ scope: 'global' }] } } } });
    channel.postMessage('garbage');
    await new Promise((r) => setTimeout(r, 500));
    channel.close();
    expect(client.state.status).to.equal('anonymous');
    expect(client.hasRole('Support Agents')).to.equal(false);
    expect(client.can('delete', 'incident')).to.equal(false);
  });
});
