/**
 * `<pk-sign-in>` against a real `portalkit serve` (test/wtr/portal-server-plugin.mjs) through a real
 * `createPortalClient`: discovery drives the form, a sign-in through the light-DOM form starts a session,
 * the signed-in view signs out, the server's typed errors land where they belong, and a mailed reset
 * token sets a new password.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import '../../../packages/components/src/components/sign-in/sign-in.js';
import type { PkSignIn } from '../../../packages/components/src/components/sign-in/sign-in.component.js';
import { createPortalClient } from '../../../packages/sdk/src/index.js';
import type { PortalClient } from '../../../packages/sdk/src/index.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

interface Fresh {
  id: string;
  email: string;
  username: string;
  password: string;
}
const fresh = (roles: string[] = []): Promise<Fresh> => executeServerCommand('portalkit-create-contact', { roles }) as Promise<Fresh>;

function part(element: PkSignIn, name: string): HTMLElement | null {
  return element.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
}

function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function input(element: PkSignIn, name: string): HTMLInputElement {
  const found = element.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  if (!found) throw new Error(`no input ${name}`);
  return found;
}

function fill(element: PkSignIn, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) input(element, name).value = value;
}

async function mount(client: PortalClient): Promise<PkSignIn> {
  const element = await fixture<PkSignIn>(html`<pk-sign-in .client=${client}></pk-sign-in>`);
  await waitUntil(() => element.querySelector('form') || part(element, 'who'), 'the sign-in options load', { timeout: 5000 });
  await element.updateComplete;
  return element;
}

async function settled(element: PkSignIn): Promise<void> {
  await waitUntil(() => !element.busy, 'the request finishes', { timeout: 5000 });
  await element.updateComplete;
}

describe('<pk-sign-in> against the real server', () => {
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

  it('signs in through the light-DOM form (keyboard), then signs out from the signed-in view', async () => {
    const contact = await fresh(['Support Agents']);
    const element = await mount(client);
    // The demo site: sign-in by email or username, invitation-only registration, providers listed.
    expect(text(element.querySelector(`label[for="${input(element, 'login').id}"]`))).to.equal('Email or username');
    expect(element.querySelector('input[autocomplete="current-password"]') !== null).to.equal(true);
    expect([...(element.shadowRoot?.querySelectorAll('[part~="provider-button"]') ?? [])].map(text)).to.deep.equal([
      'Continue with Partner sign-in',
      'Continue with Contoso staff',
    ]);

    input(element, 'login').focus();
    await sendKeys({ type: contact.email });
    input(element, 'password').focus();
    await sendKeys({ type: contact.password });
    const signedIn = oneEvent(element, 'pk-signed-in');
    await sendKeys({ press: 'Enter' });
    const event = await signedIn;
    expect(event.detail).to.include({ id: contact.id, email: contact.email });
    expect(client.state.status).to.equal('signedIn');
    expect(client.state.status === 'signedIn' && client.state.contact.id).to.equal(contact.id);
    expect(client.hasRole('Support Agents')).to.equal(true);
    await element.updateComplete;
    expect(text(part(element, 'who'))).to.equal(`Signed in as ${contact.email}`);

    const signedOut = oneEvent(element, 'pk-signed-out');
    part(element, 'sign-out-button')?.click();
    await signedOut;
    expect(client.state.status).to.equal('anonymous');
    await waitUntil(() => element.querySelector('form'), 'the sign-in form returns');
  });

  it('shows the generic message for a wrong password and field messages for a weak password', async () => {
    const contact = await fresh();
    const element = await mount(client);
    fill(element, { login: contact.username, password: 'not-the-password' });
    element.querySelector('form')?.requestSubmit();
    await settled(element);
    expect(text(part(element, 'error'))).to.equal('The login or password is not correct.');
    expect(client.state.status).to.equal('anonymous');

    // Registration: the server checks the password policy and answers with a `/password` path.
    element.querySelector<HTMLButtonElement>('button[data-pk-switch="register"]')?.click();
    await element.updateComplete;
    fill(element, { email: `weak-${Date.now()}@example.test`, password: 'weakweakweak', invitationCode: 'NOT-A-CODE' });
    element.querySelector('form')?.requestSubmit();
    await settled(element);
    const password = input(element, 'password');
    expect(password.getAttribute('aria-invalid')).to.equal('true');
    expect(text(element.querySelector(`#${password.id}-error`))).to.contain('must mix at least 3');
    expect(client.state.status).to.equal('anonymous');
  });

  it('mails a reset link from the forgot view and sets a new password with its token', async () => {
    const contact = await fresh();
    const element = await mount(client);
    element.querySelector<HTMLButtonElement>('button[data-pk-switch="forgot"]')?.click();
    await element.updateComplete;
    const before = (await executeServerCommand('portalkit-mail-count', { to: contact.email })) as number;
    fill(element, { email: contact.email });
    element.querySelector('form')?.requestSubmit();
    await settled(element);
    expect(text(part(element, 'status'))).to.contain('Check your mail');
    await waitUntil(async () => ((await executeServerCommand('portalkit-mail-count', { to: contact.email })) as number) > before, 'the mail arrives', {
      timeout: 5000,
      interval: 100,
    });
    const mail = (await executeServerCommand('portalkit-last-mail', { to: contact.email })) as { text: string };
    const token = new URL(/https?:\/\/\S+/.exec(mail.text)?.[0] ?? '').searchParams.get('token');
    expect(token).to.be.a('string');

    const reset = await fixture<PkSignIn>(html`<pk-sign-in .client=${client} reset-token=${token ?? ''}></pk-sign-in>`);
    await waitUntil(() => reset.querySelector('form'), 'the reset form renders', { timeout: 5000 });
    await reset.updateComplete;
    fill(reset, { newPassword: 'Fresh-Password-2026!' });
    reset.querySelector('form')?.requestSubmit();
    await settled(reset);
    expect(text(part(reset, 'status'))).to.equal('Your password was changed. Sign in with your new password.');

    fill(reset, { login: contact.email, password: 'Fresh-Password-2026!' });
    const signedIn = oneEvent(reset, 'pk-signed-in');
    reset.querySelector('form')?.requestSubmit();
    expect((await signedIn).detail).to.include({ id: contact.id });
    expect(client.state.status).to.equal('signedIn');
  });
});
