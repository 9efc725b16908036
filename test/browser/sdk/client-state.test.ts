/**
 * The client's state store and startup against a real server: server from <meta>, a clear error
 * without one, cache-first decisions with no request before them, network failures as state (never
 * unhandled rejections), and transport hostile cases.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createPortalClient, NetworkError } from '../../../packages/sdk/src/index.js';
import type { PortalState } from '../../../packages/sdk/src/index.js';
import { Transport } from '../../../packages/sdk/src/http/transport.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

interface Fresh { id: string; email: string; username: string; password: string }

describe('client state (real server)', () => {
  let unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
  beforeEach(async () => {
    unhandled = [];
    window.addEventListener('unhandledrejection', onUnhandled);
    await executeServerCommand('portalkit-reset-rate-limits');
    // Start anonymous whatever an earlier file in this (reused) page left behind.
    await new Transport({ server: serverUrl }).request('/auth/sign-out', { method: 'POST', body: {} });
  });
  afterEach(() => window.removeEventListener('unhandledrejection', onUnhandled));

  it('without a server option or meta tag, says how to configure one', () => {
    expect(() => createPortalClient()).to.throw(TypeError, /portalkit-server/);
  });

  it('reads the server from <meta name="portalkit-server">, starts loading and settles anonymous', async () => {
    const meta = Object.assign(document.createElement('meta'), { name: 'portalkit-server', content: `${serverUrl}/` });
    document.head.append(meta);
    try {
      const client = createPortalClient({ storage: 'memory' });
      expect(client.server).to.equal(serverUrl);
      expect(client.state.status).to.equal('loading');
      expect(client.can('read', 'announcement')).to.equal(false); // closed while loading
      const state = await client.ready;
      expect(state.status).to.equal('anonymous');
      expect(client.can('read', 'announcement')).to.equal(true);
      expect(client.canReadPage('/incidents')).to.equal(false);
      client.dispose();
    } finally {
      meta.remove();
    }
  });

  it('decides from the verified cache before any request after a "reload", then revalidates', async () => {
    const contact = (await executeServerCommand('portalkit-create-contact', { roles: ['Support Agents'] })) as Fresh;
    const first = createPortalClient({ server: serverUrl });
    await first.ready;
    await first.signIn({ login: contact.email, password: contact.password });
    first.dispose();

    const requests: string[] = [];
    const counting: typeof fetch = (input, init) => {
      requests.push(String(input));
      return fetch(input, init);
    };
    const second = createPortalClient({ server: serverUrl, fetch: counting });
    let requestsBeforeDecision = -1;
    const off = second.subscribe((state) => {
      if (requestsBeforeDecision < 0 && state.status !== 'loading') requestsBeforeDecision = requests.length;
    });
    const state = await second.ready;
    off();
    expect(state.status).to.equal('signedIn');
    expect(requestsBeforeDecision).to.equal(0);
    await second.refresh();
    expect(requests.some((url) => url.endsWith('/permissions'))).to.equal(true);
    expect(second.hasRole('Support Agents')).to.equal(true);
    await second.signOut();
    second.dispose();
  });

  it('an unreachable server becomes state.error, not an unhandled rejection', async () => {
    const client = createPortalClient({ server: 'http://127.0.0.1:9', storage: 'memory', events: false });
    const state: PortalState = await client.ready;
    expect(state.status).to.equal('anonymous');
    expect(state.status !== 'loading' && state.error).to.be.instanceOf(NetworkError);
    expect(client.can('read', 'announcement')).to.equal(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).to.deep.equal([]);
    client.dispose();
  });

  it('subscribe emits only on change and unsubscribes', async () => {
    const client = createPortalClient({ server: serverUrl, storage: 'memory' });
    const seen: string[] = [];
    const off = client.subscribe((state) => seen.push(state.status));
    await client.ready;
    await client.refresh();
    await client.refresh();
    expect(seen).to.deep.equal(['anonymous']);
    off();
    client.dispose();
  });

  it('the transport refuses URLs that could leave the server, and sends the CSRF header on writes', async () => {
    expect(() => new Transport({ server: 'javascript:alert(1)' })).to.throw(TypeError);
    expect(() => new Transport({ server: 'https://user:pw@example.com' })).to.throw(TypeError);
    const transport = new Transport({ server: serverUrl });
    for (const path of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'me']) {
      expect(() => transport.url(path)).to.throw(TypeError);
    }
    const seen: Headers[] = [];
    const spy = new Transport({ server: serverUrl, fetch: (input, init) => (seen.push(new Headers(init?.headers)), fetch(input, init)) });
    await spy.request('/auth/sign-out', { method: 'POST', body: {} });
    await spy.request('/permissions');
    expect(seen[0]!.get('X-PortalKit-Request')).to.equal('1');
    expect(seen[1]!.get('X-PortalKit-Request')).to.equal(null);
  });
});
