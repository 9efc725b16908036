/**
 * `<pk-protected>`: nothing before the decision, the right slot after it, live re-decisions, closed on
 * bad attributes, and `<template>` content that only exists while allowed.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../packages/components/src/components/protected/protected.js';
import type { PkProtected } from '../../../packages/components/src/components/protected/protected.component.js';
import { DEMO, demoClient } from './support/demo-config.js';

function visibleText(element: PkProtected): string {
  const slot = element.shadowRoot?.querySelector('slot');
  if (!slot) return '';
  return slot
    .assignedNodes({ flatten: true })
    .map((node) => node.textContent ?? '')
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('<pk-protected>', () => {
  it('renders no slot at all while the client is loading, then the allowed content', async () => {
    const client = await demoClient({ loading: true, contact: DEMO.paul });
    const element = await fixture<PkProtected>(html`
      <pk-protected .client=${client} roles="Partner Managers">
        <template><p class="secret">Partner news</p></template>
        <p slot="fallback">Sign in as a partner</p>
      </pk-protected>
    `);
    expect(element.decision).to.equal('pending');
    expect(element.shadowRoot?.querySelector('slot')).to.equal(null);
    expect(element.querySelector('.secret')).to.equal(null);
    expect(document.body.textContent).not.to.contain('Partner news');
    const decided = oneEvent(element, 'pk-decision');
    client.settle();
    expect((await decided).detail).to.deep.equal({ allowed: true });
    await element.updateComplete;
    expect(element.querySelector('.secret')?.textContent).to.equal('Partner news');
    expect(visibleText(element)).to.contain('Partner news');
    expect(visibleText(element)).not.to.contain('Sign in as a partner');
  });

  it('shows the fallback to a visitor without the role, and re-decides when roles change and on sign-out', async () => {
    const client = await demoClient({ contact: DEMO.anna });
    const element = await fixture<PkProtected>(html`
      <pk-protected .client=${client} roles="Partner Managers, Support Agents">
        <template><p class="secret">Partner news</p></template>
        <template slot="fallback"><p class="teaser">Partners only</p></template>
      </pk-protected>
    `);
    expect(element.decision).to.equal('denied');
    expect(element.querySelector('.secret')).to.equal(null);
    expect(visibleText(element)).to.equal('Partners only');

    client.setRoles(['Support Agents']);
    await element.updateComplete;
    expect(element.decision).to.equal('allowed');
    expect(visibleText(element)).to.equal('Partner news');
    expect(element.querySelector('.teaser')).to.equal(null);

    await client.signOut();
    await element.updateComplete;
    expect(element.decision).to.equal('denied');
    expect(element.querySelector('.secret')).to.equal(null);
  });

  it('checks table:privilege pairs and page rules with the real evaluator', async () => {
    const client = await demoClient({ contact: DEMO.anna });
    const canCreate = await fixture<PkProtected>(html`<pk-protected .client=${client} permission="incident:create"><p>new</p></pk-protected>`);
    const canDelete = await fixture<PkProtected>(html`<pk-protected .client=${client} permission="incident:create incident:delete"><p>x</p></pk-protected>`);
    const partners = await fixture<PkProtected>(html`<pk-protected .client=${client} page="/partners"><p>x</p></pk-protected>`);
    expect([canCreate.decision, canDelete.decision, partners.decision]).to.deep.equal(['allowed', 'denied', 'denied']);
    client.setRoles(['Partner Managers']);
    await partners.updateComplete;
    expect(partners.decision).to.equal('allowed');
  });

  it('means "signed in" without attributes', async () => {
    const client = await demoClient();
    const element = await fixture<PkProtected>(html`<pk-protected .client=${client}><p>hi</p></pk-protected>`);
    expect(element.decision).to.equal('denied');
    await client.signIn({ login: 'anna', password: DEMO.anna.password });
    await element.updateComplete;
    expect(element.decision).to.equal('allowed');
  });

  it('stays closed on attribute values that mean nothing, whoever is signed in', async () => {
    const client = await demoClient({ contact: DEMO.sam });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      for (const permission of ['incident', 'incident:fly', 'incident:read:extra', ':read', 'incident:READ']) {
        const element = await fixture<PkProtected>(html`<pk-protected .client=${client} permission=${permission}><p>x</p></pk-protected>`);
        expect(element.decision, permission).to.equal('denied');
      }
      const page = await fixture<PkProtected>(html`<pk-protected .client=${client} page="partners"><p>x</p></pk-protected>`);
      expect(page.decision).to.equal('denied');
    } finally {
      console.error = original;
    }
    expect(errors.length).to.be.greaterThan(0);
  });

  it('keeps an XSS payload in a role name inert', async () => {
    const client = await demoClient({ contact: DEMO.paul });
    const element = await fixture<PkProtected>(html`<pk-protected .client=${client} roles="<img src=x onerror=alert(1)>"><p>x</p></pk-protected>`);
    expect(element.decision).to.equal('denied');
    expect(element.shadowRoot?.querySelector('img')).to.equal(null);
  });
});
