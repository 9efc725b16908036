/**
 * `<pk-portal>`: provides one client to the elements inside it (explicit or created from `server`),
 * follows moves in the DOM without sending its descendants to the default client, and a relative
 * server URL resolves against the page.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../packages/components/src/components/portal/portal.js';
import '../../../packages/components/src/components/protected/protected.js';
import type { PkPortal } from '../../../packages/components/src/components/portal/portal.component.js';
import type { PkProtected } from '../../../packages/components/src/components/protected/protected.component.js';
import { createPortalClient } from '../../../packages/sdk/src/index.js';
import { DEMO, demoClient } from './support/demo-config.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

describe('<pk-portal>', () => {
  it('provides its client to every element inside, however deep', async () => {
    const client = await demoClient({ contact: DEMO.paul });
    const portal = await fixture<PkPortal>(html`
      <pk-portal .client=${client}>
        <section><div><pk-protected roles="Partner Managers"><p>partners</p></pk-protected></div></section>
      </pk-portal>
    `);
    const inner = portal.querySelector<PkProtected>('pk-protected')!;
    await inner.updateComplete;
    expect(inner.client).to.equal(client);
    expect(inner.decision).to.equal('allowed');
  });

  it('keeps its descendants on its client when moved, with no fallback to the default client', async () => {
    const client = await demoClient({ contact: DEMO.paul });
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      const portal = await fixture<PkPortal>(html`<pk-portal .client=${client}><pk-protected roles="Partner Managers"><p>x</p></pk-protected></pk-portal>`);
      const inner = portal.querySelector<PkProtected>('pk-protected')!;
      const elsewhere = document.createElement('div');
      document.body.append(elsewhere);
      elsewhere.append(portal);
      await inner.updateComplete;
      expect(inner.client).to.equal(client);
      expect(inner.decision).to.equal('allowed');
      portal.remove();
      elsewhere.remove();
    } finally {
      console.error = original;
    }
    expect(errors).to.deep.equal([]);
  });

  it('creates a client from server= against a real portalkit serve and reports its state', async () => {
    const portal = document.createElement('pk-portal');
    const settled = oneEvent(portal, 'pk-state-change');
    portal.setAttribute('server', serverUrl);
    const inside = document.createElement('pk-protected');
    inside.setAttribute('roles', 'Anonymous Users');
    inside.append(Object.assign(document.createElement('p'), { id: 'hello', textContent: 'hello' }));
    portal.append(inside);
    document.body.append(portal);
    try {
      const state = (await settled).detail as { status: string };
      expect(['loading', 'anonymous']).to.include(state.status);
      await portal.provided!.ready;
      const inner = portal.querySelector<PkProtected>('pk-protected')!;
      await inner.updateComplete;
      expect(inner.decision).to.equal('allowed');
    } finally {
      portal.remove();
    }
  });

  it('resolves a relative server URL against the page', () => {
    const client = createPortalClient({ server: '/portal-api', events: false, tabSync: false, storage: 'memory' });
    try {
      expect(client.server).to.equal(`${location.origin}/portal-api`);
    } finally {
      client.dispose();
    }
  });
});
