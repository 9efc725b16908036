/**
 * `<pk-profile-form>` against a real `portalkit serve` (test/wtr/portal-server-plugin.mjs): the real
 * discovery document and `/me`, an edit saved with `PATCH /me` and the ETag, a stale ETag answered
 * with 412 and resolved through the conflict box, and a real password change.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../packages/components/src/components/profile-form/profile-form.js';
import type { PkProfileForm } from '../../../packages/components/src/components/profile-form/profile-form.component.js';
import { createPortalClient } from '../../../packages/sdk/src/index.js';
import type { ApiRow, PortalClient } from '../../../packages/sdk/src/index.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

interface Fresh {
  id: string;
  email: string;
  username: string;
  password: string;
}

const input = (element: PkProfileForm, name: string): HTMLInputElement | null => element.querySelector<HTMLInputElement>(`form [name="${name}"]`);

function type(control: HTMLInputElement, value: string): void {
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('<pk-profile-form> with the real server', () => {
  let client: PortalClient;
  let contact: Fresh;

  beforeEach(async () => {
    await executeServerCommand('portalkit-reset-rate-limits');
    contact = (await executeServerCommand('portalkit-create-contact', { roles: ['Partner Managers'] })) as Fresh;
    client = createPortalClient({ server: serverUrl as string, storage: 'memory' });
    await client.ready;
    if (client.state.status === 'signedIn') await client.signOut();
    await client.signIn({ login: contact.email, password: contact.password });
  });

  afterEach(async () => {
    if (client.state.status === 'signedIn') await client.signOut();
    client.dispose();
  });

  it('edits firstname through the form and the server keeps it', async () => {
    const element = await fixture<PkProfileForm>(html`<pk-profile-form .client=${client}></pk-profile-form>`);
    await waitUntil(() => input(element, 'firstname'), 'the form did not load', { timeout: 5000 });
    // What the server's discovery and column permissions decide: email read-only, creditlimit readable
    // by a Partner Manager but not updatable.
    expect(input(element, 'email')!.value).to.equal(contact.email);
    expect(input(element, 'email')!.readOnly).to.equal(true);
    expect(input(element, 'creditlimit')!.readOnly).to.equal(true);
    expect(input(element, 'firstname')!.readOnly).to.equal(false);

    type(input(element, 'firstname')!, 'Ingrid');
    const saved = oneEvent(element, 'pk-profile-saved');
    element.querySelector<HTMLFormElement>('[slot="profile"] form')!.requestSubmit();
    const row = (await saved).detail as ApiRow;
    expect(row['firstname']).to.equal('Ingrid');
    const me = await client.me();
    expect(me.firstname).to.equal('Ingrid');
    expect(me.profile?.['firstname']).to.equal('Ingrid');
    await expect(element).to.be.accessible();
  });

  it('resolves a real 412 when the row changed elsewhere', async () => {
    const element = await fixture<PkProfileForm>(html`<pk-profile-form .client=${client}></pk-profile-form>`);
    await waitUntil(() => input(element, 'firstname'), 'the form did not load', { timeout: 5000 });
    // Another tab saves first.
    const before = await client.me();
    await client.updateProfile({ jobtitle: 'Elsewhere' }, { etag: before.profile!._etag });

    type(input(element, 'firstname')!, 'Mine');
    element.querySelector<HTMLFormElement>('[slot="profile"] form')!.requestSubmit();
    await waitUntil(() => element.shadowRoot!.querySelector('[part~="conflict"]'), 'no conflict shown', { timeout: 5000 });
    expect(input(element, 'jobtitle')!.value).to.equal('Elsewhere');
    const saved = oneEvent(element, 'pk-profile-saved');
    [...element.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="conflict"] button')].find((b) => b.textContent!.includes('Use my changes'))!.click();
    await saved;
    const me = await client.me();
    expect(me.profile).to.include({ firstname: 'Mine', jobtitle: 'Elsewhere' });
  });

  it('changes the password, and a wrong current password gets the generic message', async () => {
    const element = await fixture<PkProfileForm>(html`<pk-profile-form .client=${client}></pk-profile-form>`);
    await waitUntil(() => element.querySelector('input[name="currentPassword"]'), 'the form did not load', { timeout: 5000 });
    const form = element.querySelector<HTMLFormElement>('[slot="password"] form')!;
    const current = form.querySelector<HTMLInputElement>('input[name="currentPassword"]')!;
    const next = form.querySelector<HTMLInputElement>('input[name="newPassword"]')!;

    type(current, 'Not-the-password-1');
    type(next, 'Another-Secret-2026!');
    form.requestSubmit();
    await waitUntil(() => current.getAttribute('aria-invalid') === 'true', 'no message', { timeout: 5000 });
    expect(form.textContent).to.contain('The current password is not correct.');

    type(current, contact.password);
    type(next, 'Another-Secret-2026!');
    const changed = oneEvent(element, 'pk-password-changed');
    form.requestSubmit();
    await changed;
    await client.signOut();
    await client.signIn({ login: contact.email, password: 'Another-Secret-2026!' });
    expect(client.state.status).to.equal('signedIn');
  });
});
