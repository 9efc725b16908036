/**
 * `<pk-profile-form>` against the test double: states, which columns show and how, validation, saving
 * only changed columns with the ETag, the 412 conflict flow, server validation errors, change password,
 * linked identities, XSS payloads, keyboard use and axe checks.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../packages/components/src/components/profile-form/profile-form.js';
import type { PkProfileForm } from '../../../packages/components/src/components/profile-form/profile-form.component.js';
import { setPortalLocale } from '../../../packages/components/src/localization/localization.js';
import { InvalidCredentialsError, NetworkError, ValidationError } from '../../../packages/sdk/src/errors/index.js';
import type { ApiRow } from '../../../packages/sdk/src/index.js';
import type { TestPortalClient } from '../../../packages/sdk/src/testing/index.js';
import { createTestPortalClient } from '../../../packages/sdk/src/testing/index.js';
import { DEMO, demoConfig } from './support/demo-config.js';
import { configWithTypedColumns, contactRow, DEMO_PROFILE_COLUMNS, profileClient, profileDiscovery, TYPED_COLUMNS } from './support/profile-fixtures.js';

async function mount(client: TestPortalClient): Promise<PkProfileForm> {
  const element = await fixture<PkProfileForm>(html`
    <pk-profile-form .client=${client}><a slot="signed-out" href="/sign-in">Sign in</a></pk-profile-form>
  `);
  await settled(element);
  return element;
}

/** Waits until the element left `loading` (or is still there because the client is). */
async function settled(element: PkProfileForm): Promise<void> {
  await waitUntil(() => element.shadowRoot?.querySelector('[part~="base"]')?.getAttribute('aria-busy') === 'false' || element.client?.state.status === 'loading');
  await element.updateComplete;
}

const shadow = (element: PkProfileForm, selector: string): HTMLElement | null => element.shadowRoot!.querySelector<HTMLElement>(selector);
const input = (element: PkProfileForm, name: string): HTMLInputElement | null => element.querySelector<HTMLInputElement>(`form [name="${name}"]`);
const profileForm = (element: PkProfileForm): HTMLFormElement => element.querySelector<HTMLFormElement>('[slot="profile"] form')!;
const passwordForm = (element: PkProfileForm): HTMLFormElement => element.querySelector<HTMLFormElement>('[slot="password"] form')!;

function type(control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  control.value = value;
  control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}

function submit(form: HTMLFormElement): void {
  form.requestSubmit();
}

/** Records the arguments of every `updateProfile` call while still calling the double. */
function spyUpdates(client: TestPortalClient): unknown[][] {
  const calls: unknown[][] = [];
  const original = client.updateProfile.bind(client);
  client.updateProfile = (...args: Parameters<TestPortalClient['updateProfile']>) => {
    calls.push(args);
    return original(...args);
  };
  return calls;
}

describe('<pk-profile-form>', () => {
  describe('states', () => {
    it('is busy while the client is loading and shows no form, then loads the profile', async () => {
      const client = await profileClient(DEMO.anna, { loading: true });
      const element = await mount(client);
      expect(shadow(element, '[part~="base"]')!.getAttribute('aria-busy')).to.equal('true');
      expect(shadow(element, '[part~="message"]')!.textContent).to.contain('Loading');
      expect(element.querySelector('form')).to.equal(null);
      await expect(element).to.be.accessible();
      client.settle();
      await settled(element);
      await waitUntil(() => input(element, 'firstname'));
      expect(input(element, 'firstname')!.value).to.equal('Anna');
      expect(shadow(element, '[part~="base"]')!.getAttribute('aria-busy')).to.equal('false');
    });

    it('shows a message and the signed-out slot to anonymous visitors, and no form', async () => {
      const client = await profileClient(undefined);
      const element = await mount(client);
      expect(shadow(element, '[part~="message"]')!.textContent).to.contain('Sign in');
      const slot = shadow(element, 'slot[name="signed-out"]') as HTMLSlotElement;
      expect(slot.assignedElements().map((e) => e.textContent)).to.deep.equal(['Sign in']);
      expect(element.querySelector('form')).to.equal(null);
      await expect(element).to.be.accessible();
    });

    it('shows an error with Retry when loading fails, and loads on Retry', async () => {
      const client = await profileClient(DEMO.anna);
      client.failNext('me', new NetworkError('offline', { status: 0, code: 'network-error' }));
      const element = await mount(client);
      const error = shadow(element, '[part~="error"]')!;
      expect(error.getAttribute('role')).to.equal('alert');
      expect(error.textContent).to.contain('could not be loaded');
      expect(error.textContent).to.contain('cannot be reached');
      expect(element.querySelector('form')).to.equal(null);
      await expect(element).to.be.accessible();
      shadow(element, '[part~="retry"]')!.click();
      await waitUntil(() => input(element, 'firstname'));
      expect(input(element, 'firstname')!.value).to.equal('Anna');
      expect(element.shadowRoot!.activeElement?.getAttribute('part')).to.equal('heading');
    });

    it('removes the form and every profile value from the DOM on sign-out', async () => {
      const client = await profileClient(DEMO.anna);
      const element = await mount(client);
      expect(input(element, 'firstname')!.value).to.equal('Anna');
      await client.signOut();
      await element.updateComplete;
      expect(element.querySelector('form')).to.equal(null);
      expect(element.querySelector('input')).to.equal(null);
      expect(shadow(element, '[part~="message"]')!.textContent).to.contain('Sign in');
    });
  });

  describe('columns', () => {
    it('renders the readable columns in light DOM inside <pk-field>s with labels and autocomplete', async () => {
      const client = await profileClient(DEMO.anna, { values: { jobtitle: 'Buyer' } });
      const element = await mount(client);
      const names = [...profileForm(element).querySelectorAll('input')].map((i) => i.name);
      expect(names).to.deep.equal(['username', 'email', 'firstname', 'lastname', 'jobtitle', 'phone']);
      for (const control of profileForm(element).querySelectorAll('input')) {
        expect(control.closest('pk-field')).to.not.equal(null);
        expect(element.querySelector(`label[for="${control.id}"]`)).to.not.equal(null);
      }
      expect(input(element, 'firstname')!.getAttribute('autocomplete')).to.equal('given-name');
      expect(input(element, 'lastname')!.getAttribute('autocomplete')).to.equal('family-name');
      expect(input(element, 'email')!.getAttribute('autocomplete')).to.equal('email');
      expect(input(element, 'phone')!.getAttribute('autocomplete')).to.equal('tel');
      expect(input(element, 'phone')!.type).to.equal('tel');
      expect(input(element, 'firstname')!.maxLength).to.equal(100);
      expect(input(element, 'jobtitle')!.value).to.equal('Buyer');
      expect(element.querySelector(`label[for="${input(element, 'firstname')!.id}"]`)!.textContent).to.contain('First name');
      await expect(element).to.be.accessible();
    });

    it('leaves out a column the visitor may not read (creditlimit for a contact who is no Partner Manager)', async () => {
      const element = await mount(await profileClient(DEMO.anna));
      expect(input(element, 'creditlimit')).to.equal(null);
      expect(element.textContent).not.to.contain('25000');
      expect(element.textContent).not.to.contain('Credit limit');
    });

    it('shows a column the visitor may read but not update as read-only (not disabled), with a hint', async () => {
      const element = await mount(await profileClient(DEMO.paul));
      const credit = input(element, 'creditlimit')!;
      expect(credit.type).to.equal('number');
      expect(credit.value).to.equal('25000');
      expect(credit.readOnly).to.equal(true);
      expect(credit.disabled).to.equal(false);
      const hint = element.querySelector(`#${credit.getAttribute('aria-describedby')}`)!;
      expect(hint.textContent).to.contain('cannot change');
      // Server-managed columns are never writable through the form either.
      expect(input(element, 'email')!.readOnly).to.equal(true);
      expect(input(element, 'username')!.readOnly).to.equal(true);
      expect(input(element, 'firstname')!.readOnly).to.equal(false);
      await expect(element).to.be.accessible();
    });

    it('makes every column read-only, with no Save button, when the row is not writable (_actions without write)', async () => {
      const config = structuredClone(await demoConfig());
      const own = config.tablePermissions!.find((permission) => permission.name === 'Own profile')!;
      (own as { privileges: string[] }).privileges = ['read'];
      const client = createTestPortalClient({
        config,
        contact: DEMO.anna,
        discovery: profileDiscovery(),
        tables: { contact: [contactRow({ ...DEMO.anna, firstname: 'Anna' })] },
      });
      const element = await mount(client);
      expect(element.client!.canColumn('update', 'contact', 'firstname')).to.equal(false);
      const controls = [...profileForm(element).querySelectorAll('input')];
      expect(controls.length).to.be.greaterThan(3);
      expect(controls.every((control) => control.readOnly)).to.equal(true);
      expect(profileForm(element).querySelector('button[type="submit"]')).to.equal(null);
      await expect(element).to.be.accessible();
    });

    it('lets a Support Agent edit creditlimit, and re-decides live when roles change', async () => {
      const client = await profileClient(DEMO.anna);
      const element = await mount(client);
      expect(input(element, 'creditlimit')).to.equal(null);
      client.setRoles(['Support Agents']);
      await waitUntil(() => input(element, 'creditlimit'));
      expect(input(element, 'creditlimit')!.readOnly).to.equal(false);
      client.setRoles([]);
      await waitUntil(() => !input(element, 'creditlimit'));
    });

    it('maps every column type to its control and sends typed values', async () => {
      const client = createTestPortalClient({
        config: await configWithTypedColumns(),
        contact: DEMO.anna,
        discovery: profileDiscovery(TYPED_COLUMNS),
        tables: {
          contact: [contactRow({ ...DEMO.anna, firstname: 'Anna' }, { bio: 'Hi', employees: 12, newsletter: false, birthday: '1990-05-01T09:30:00.000Z', size: 'small', vip: true })],
        },
      });
      const calls = spyUpdates(client);
      const element = await mount(client);
      expect(element.querySelector('textarea[name="bio"]')!.getAttribute('maxlength')).to.equal('500');
      expect(input(element, 'employees')!.type).to.equal('number');
      expect(input(element, 'employees')!.step).to.equal('1');
      expect(input(element, 'newsletter')!.type).to.equal('checkbox');
      expect(input(element, 'birthday')!.type).to.equal('datetime-local');
      const birthday = new Date('1990-05-01T09:30:00.000Z');
      expect(new Date(input(element, 'birthday')!.value).getTime()).to.equal(birthday.getTime());
      const size = element.querySelector<HTMLSelectElement>('select[name="size"]')!;
      expect([...size.options].map((o) => o.value)).to.deep.equal(['small', 'medium', 'large']);
      expect(size.value).to.equal('small');
      // A read-only checkbox says so and refuses to toggle.
      const vip = input(element, 'vip')!;
      expect(vip.getAttribute('aria-readonly')).to.equal('true');
      expect(vip.disabled).to.equal(false);
      vip.click();
      expect(vip.checked).to.equal(true);
      await expect(element).to.be.accessible();

      type(element.querySelector('textarea[name="bio"]')!, 'Hello');
      type(input(element, 'employees')!, '40');
      input(element, 'newsletter')!.click();
      type(size, 'large');
      submit(profileForm(element));
      await oneEvent(element, 'pk-profile-saved');
      expect(calls[0]![0]).to.deep.equal({ bio: 'Hello', employees: 40, newsletter: true, size: 'large' });
    });
  });

  describe('validation and saving', () => {
    it('shows required and maxLength messages per field and in an announced summary, and sends nothing', async () => {
      const columns = DEMO_PROFILE_COLUMNS.map((c) => (c.name === 'lastname' ? { ...c, required: true } : c));
      const client = await profileClient(DEMO.anna, { discovery: profileDiscovery(columns) });
      const calls = spyUpdates(client);
      const element = await mount(client);
      type(input(element, 'lastname')!, '   ');
      type(input(element, 'firstname')!, 'x'.repeat(101));
      submit(profileForm(element));
      await waitUntil(() => shadow(element, '[part~="error-summary"]'));
      const summary = shadow(element, '[part~="error-summary"]')!;
      expect(summary.getAttribute('role')).to.equal('alert');
      expect(element.shadowRoot!.activeElement).to.equal(summary);
      expect([...summary.querySelectorAll('li')].map((li) => li.textContent!.trim())).to.deep.equal([
        'First name must be at most 100 characters.',
        'Last name is required.',
      ]);
      const first = input(element, 'firstname')!;
      expect(first.getAttribute('aria-invalid')).to.equal('true');
      expect(element.querySelector(`#${first.getAttribute('aria-describedby')}`)!.textContent).to.equal('First name must be at most 100 characters.');
      expect(first.closest('pk-field')!.hasAttribute('invalid')).to.equal(true);
      expect(calls).to.have.length(0);
      await expect(element).to.be.accessible();

      // The summary's entries move focus to their field.
      summary.querySelector<HTMLButtonElement>('[part~="error-link"]')!.click();
      expect(document.activeElement).to.equal(first);
      // Fixing a field clears its message as the visitor types.
      type(first, 'Annie');
      await element.updateComplete;
      expect(first.hasAttribute('aria-invalid')).to.equal(false);
      expect(shadow(element, '[part~="error-summary"]')!.textContent).not.to.contain('First name');
    });

    it('sends only the changed columns with the ETag, announces "Saved" and fires pk-profile-saved', async () => {
      const client = await profileClient(DEMO.anna);
      const calls = spyUpdates(client);
      const element = await mount(client);
      type(input(element, 'firstname')!, 'Annie');
      type(input(element, 'jobtitle')!, 'Buyer');
      type(input(element, 'phone')!, 'x');
      type(input(element, 'phone')!, '');
      const saving = oneEvent(element, 'pk-profile-save');
      const saved = oneEvent(element, 'pk-profile-saved');
      submit(profileForm(element));
      expect((await saving).detail).to.deep.equal({ changes: { firstname: 'Annie', jobtitle: 'Buyer' } });
      const row = (await saved).detail as ApiRow;
      expect(calls).to.deep.equal([[{ firstname: 'Annie', jobtitle: 'Buyer' }, { etag: '"1"' }]]);
      expect(row).to.include({ firstname: 'Annie', jobtitle: 'Buyer', _etag: '"2"' });
      await element.updateComplete;
      const status = shadow(element, '[part~="status"][role="status"]')!;
      expect(status.textContent).to.equal('Saved.');
      expect((await client.me()).profile).to.include({ firstname: 'Annie', jobtitle: 'Buyer' });

      // A second save uses the new ETag; nothing changed means nothing is sent.
      submit(profileForm(element));
      await element.updateComplete;
      expect(calls).to.have.length(1);
      expect(status.textContent).to.contain('no changes');
    });

    it('is busy while saving and does not save twice', async () => {
      const client = await profileClient(DEMO.anna, { latencyMs: 50 });
      const calls = spyUpdates(client);
      const element = await mount(client);
      type(input(element, 'firstname')!, 'Annie');
      submit(profileForm(element));
      submit(profileForm(element));
      await element.updateComplete;
      expect(shadow(element, '[part~="base"]')!.getAttribute('aria-busy')).to.equal('true');
      expect(profileForm(element).getAttribute('aria-busy')).to.equal('true');
      const button = profileForm(element).querySelector('button[type="submit"]')!;
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      expect(button.textContent).to.contain('Saving');
      await expect(element).to.be.accessible();
      await oneEvent(element, 'pk-profile-saved');
      expect(calls).to.have.length(1);
    });

    it('does not save when the page cancels pk-profile-save', async () => {
      const client = await profileClient(DEMO.anna);
      const calls = spyUpdates(client);
      const element = await mount(client);
      element.addEventListener('pk-profile-save', (event) => event.preventDefault());
      type(input(element, 'firstname')!, 'Annie');
      submit(profileForm(element));
      await element.updateComplete;
      expect(calls).to.have.length(0);
    });

    it('on a 412 conflict shows the newer values, names the differing edits, and saves them again on request', async () => {
      const client = await profileClient(DEMO.anna);
      const calls = spyUpdates(client);
      const element = await mount(client);
      type(input(element, 'firstname')!, 'Annie');
      type(input(element, 'phone')!, '+45 1234');
      client.touchRow('contact', DEMO.anna.id, { firstname: 'Anne-Marie', jobtitle: 'CEO' });
      submit(profileForm(element));
      await waitUntil(() => shadow(element, '[part~="conflict"]'));
      const conflict = shadow(element, '[part~="conflict"]')!;
      expect(conflict.getAttribute('role')).to.equal('alert');
      expect(element.shadowRoot!.activeElement).to.equal(conflict);
      // The form shows the newer saved values ...
      expect(input(element, 'firstname')!.value).to.equal('Anne-Marie');
      expect(input(element, 'jobtitle')!.value).to.equal('CEO');
      // ... and the visitor's edits that differ from them.
      const items = [...conflict.querySelectorAll('[part~="conflict-list"] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
      expect(items).to.have.length(2);
      expect(items[0]).to.contain('First name').and.contain('“Annie”').and.contain('“Anne-Marie”');
      expect(items[1]).to.contain('Phone').and.contain('“+45 1234”');
      // Each differing field also says what the visitor had typed (announced with the field).
      const first = input(element, 'firstname')!;
      expect(first.getAttribute('aria-describedby')).to.equal(`${first.id}-note`);
      expect(element.querySelector(`#${first.id}-note`)!.textContent).to.equal('Your change: “Annie”');
      expect(element.querySelector(`#${input(element, 'jobtitle')!.id}-note`)).to.equal(null);
      await expect(element).to.be.accessible();

      const saved = oneEvent(element, 'pk-profile-saved');
      [...conflict.querySelectorAll('button')].find((b) => b.textContent!.includes('Use my changes'))!.click();
      const row = (await saved).detail as ApiRow;
      expect(calls.map((call) => call[1])).to.deep.equal([{ etag: '"1"' }, { etag: '"2"' }]);
      expect(calls[1]![0]).to.deep.equal({ firstname: 'Annie', phone: '+45 1234' });
      expect(row).to.include({ firstname: 'Annie', phone: '+45 1234', jobtitle: 'CEO' });
      await element.updateComplete;
      expect(shadow(element, '[part~="conflict"]')).to.equal(null);
      expect(input(element, 'firstname')!.value).to.equal('Annie');
      expect(element.querySelector(`#${input(element, 'firstname')!.id}-note`)).to.equal(null);
    });

    it('reload() shows values saved elsewhere and keeps what the visitor typed', async () => {
      const client = await profileClient(DEMO.anna);
      const element = await mount(client);
      type(input(element, 'firstname')!, 'Annie');
      client.touchRow('contact', DEMO.anna.id, { jobtitle: 'CEO' });
      await element.reload();
      await element.updateComplete;
      expect(input(element, 'jobtitle')!.value).to.equal('CEO');
      expect(input(element, 'firstname')!.value).to.equal('Annie');
      const saved = oneEvent(element, 'pk-profile-saved');
      submit(profileForm(element));
      expect((await saved).detail).to.include({ firstname: 'Annie', jobtitle: 'CEO', _etag: '"3"' });
    });

    it('can keep the saved values after a conflict', async () => {
      const client = await profileClient(DEMO.anna);
      const element = await mount(client);
      type(input(element, 'firstname')!, 'Annie');
      client.touchRow('contact', DEMO.anna.id, { firstname: 'Anne-Marie' });
      submit(profileForm(element));
      await waitUntil(() => shadow(element, '[part~="conflict"]'));
      [...shadow(element, '[part~="conflict"]')!.querySelectorAll('button')].find((b) => b.textContent!.includes('Keep'))!.click();
      await element.updateComplete;
      expect(shadow(element, '[part~="conflict"]')).to.equal(null);
      expect(input(element, 'firstname')!.value).to.equal('Anne-Marie');
    });

    it('maps a server ValidationError to its fields (aria-invalid, aria-describedby) and the summary', async () => {
      const client = await profileClient(DEMO.anna);
      client.failNext(
        'updateProfile',
        new ValidationError('One or more columns cannot be set.', {
          status: 400,
          code: 'invalid-row',
          problem: { errors: [{ path: '/firstname', message: 'must not contain NUL characters' }, { path: '/nosuch', message: 'is not a column of contact' }] },
        }),
      );
      const element = await mount(client);
      type(input(element, 'firstname')!, 'Annie');
      submit(profileForm(element));
      await waitUntil(() => shadow(element, '[part~="error-summary"]'));
      const first = input(element, 'firstname')!;
      expect(first.getAttribute('aria-invalid')).to.equal('true');
      expect(element.querySelector(`#${first.getAttribute('aria-describedby')}`)!.textContent).to.equal('First name must not contain NUL characters');
      const items = [...shadow(element, '[part~="error-summary"]')!.querySelectorAll('li')].map((li) => li.textContent!.trim());
      expect(items).to.deep.equal(['First name must not contain NUL characters', 'is not a column of contact']);
      // The visitor's value stays for them to fix.
      expect(first.value).to.equal('Annie');
      await expect(element).to.be.accessible();
    });
  });

  describe('change password', () => {
    it('changes the password with current-password and new-password inputs and fires pk-password-changed', async () => {
      const client = await profileClient(DEMO.anna);
      const changes: unknown[] = [];
      const original = client.changePassword.bind(client);
      client.changePassword = (change) => {
        changes.push(change);
        return original(change);
      };
      const element = await mount(client);
      const form = passwordForm(element);
      const current = form.querySelector<HTMLInputElement>('input[name="currentPassword"]')!;
      const next = form.querySelector<HTMLInputElement>('input[name="newPassword"]')!;
      expect(current.type).to.equal('password');
      expect(current.getAttribute('autocomplete')).to.equal('current-password');
      expect(next.getAttribute('autocomplete')).to.equal('new-password');
      expect(next.minLength).to.equal(12);
      expect(form.querySelector<HTMLInputElement>('input[autocomplete="username"]')!.value).to.equal(DEMO.anna.email);
      expect(element.querySelector(`#${next.getAttribute('aria-describedby')}`)!.textContent).to.contain('At least 12 characters');
      type(current, DEMO.anna.password);
      type(next, 'A-much-longer-Passw0rd');
      const changed = oneEvent(element, 'pk-password-changed');
      submit(form);
      await changed;
      expect(changes).to.deep.equal([{ currentPassword: DEMO.anna.password, newPassword: 'A-much-longer-Passw0rd' }]);
      await element.updateComplete;
      expect(current.value).to.equal('');
      expect(next.value).to.equal('');
      const statuses = [...element.shadowRoot!.querySelectorAll('[part~="status"]')].map((s) => s.textContent);
      expect(statuses).to.include('Password changed.');
      await expect(element).to.be.accessible();
    });

    it('checks the policy length before sending, and shows a generic message for a wrong current password', async () => {
      const client = await profileClient(DEMO.anna);
      const element = await mount(client);
      const form = passwordForm(element);
      const current = form.querySelector<HTMLInputElement>('input[name="currentPassword"]')!;
      const next = form.querySelector<HTMLInputElement>('input[name="newPassword"]')!;
      type(current, 'wrong-one');
      type(next, 'short');
      submit(form);
      await element.updateComplete;
      expect(next.getAttribute('aria-invalid')).to.equal('true');
      expect(form.textContent).to.contain('at least 12 characters');
      expect(document.activeElement).to.equal(next);

      client.failNext('changePassword', new InvalidCredentialsError('The login or password is not correct.', { status: 401, code: 'invalid-credentials' }));
      type(next, 'A-much-longer-Passw0rd');
      submit(form);
      await waitUntil(() => current.getAttribute('aria-invalid') === 'true');
      expect(element.querySelector(`#${current.getAttribute('aria-describedby')}`)!.textContent).to.equal('The current password is not correct.');
      expect(document.activeElement).to.equal(current);
      await expect(element).to.be.accessible();
    });

    it('maps a server ValidationError on the new password to its field', async () => {
      const client = await profileClient(DEMO.anna);
      client.failNext(
        'changePassword',
        new ValidationError('Weak password', { status: 400, code: 'validation-failed', problem: { errors: [{ path: '/newPassword', message: 'must use 3 kinds of characters' }] } }),
      );
      const element = await mount(client);
      const form = passwordForm(element);
      type(form.querySelector<HTMLInputElement>('input[name="currentPassword"]')!, DEMO.anna.password);
      const next = form.querySelector<HTMLInputElement>('input[name="newPassword"]')!;
      type(next, 'aaaaaaaaaaaaaaaa');
      submit(form);
      await waitUntil(() => next.getAttribute('aria-invalid') === 'true');
      expect(form.textContent).to.contain('New password must use 3 kinds of characters');
    });

    it('is left out when the site takes no passwords, or with no-password', async () => {
      const discovery = profileDiscovery();
      const client = await profileClient(DEMO.anna, { discovery: { ...discovery, authentication: { ...discovery.authentication, local: { enabled: false } } } });
      const element = await mount(client);
      expect(element.querySelector('input[type="password"]')).to.equal(null);
      const other = await fixture<PkProfileForm>(html`<pk-profile-form no-password .client=${await profileClient(DEMO.anna)}></pk-profile-form>`);
      await settled(other);
      await waitUntil(() => input(other, 'firstname'));
      expect(other.querySelector('input[type="password"]')).to.equal(null);
    });
  });

  describe('linked identities', () => {
    const linkedAt = '2026-01-02T10:30:00.000Z';
    const anna = { ...DEMO.anna, identities: [{ provider: 'partners', linkedAt }, { provider: 'retired-idp', linkedAt }] };

    it('lists each provider by its discovery name with the date formatted for the locale', async () => {
      const element = await mount(await profileClient(anna));
      const items = [...element.shadowRoot!.querySelectorAll('[part~="identity"]')];
      expect(items.map((li) => li.querySelector('[part~="identity-provider"]')!.textContent)).to.deep.equal(['Partner sign-in', 'retired-idp']);
      const format = (locale: string): string => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(linkedAt));
      expect(items[0]!.querySelector('time')!.textContent).to.equal(format('en'));
      expect(items[0]!.querySelector('time')!.getAttribute('datetime')).to.equal(linkedAt);
      await setPortalLocale('fr');
      try {
        await element.updateComplete;
        expect(element.shadowRoot!.querySelector('time')!.textContent).to.equal(format('fr'));
        expect(element.shadowRoot!.textContent).to.contain('Connexions liées');
        expect(element.querySelector(`label[for="${input(element, 'firstname')!.id}"]`)!.textContent).to.contain('Prénom');
      } finally {
        await setPortalLocale('en');
      }
    });

    it('says so when nothing is linked', async () => {
      const element = await mount(await profileClient(DEMO.anna));
      expect(shadow(element, '[part~="identities-empty"]')!.textContent).to.contain('No external sign-in');
    });
  });

  describe('untrusted data', () => {
    it('renders XSS payloads in profile values, conflicts and identities as inert text', async () => {
      const payload = '<img src=x onerror="window.__pkXss=1">';
      const client = await profileClient(
        { ...DEMO.anna, identities: [{ provider: '<img src=x onerror="window.__pkXss=2">', linkedAt: '2026-01-02T10:30:00.000Z' }] },
        { values: { firstname: payload, lastname: 'javascript:alert(1)', jobtitle: '"><script>window.__pkXss=3</script>' } },
      );
      const element = await mount(client);
      expect(input(element, 'firstname')!.value).to.equal(payload);
      expect(input(element, 'lastname')!.value).to.equal('javascript:alert(1)');
      client.touchRow('contact', DEMO.anna.id, { firstname: `${payload}!` });
      type(input(element, 'firstname')!, 'Anna');
      submit(profileForm(element));
      await waitUntil(() => shadow(element, '[part~="conflict"]'));
      expect(shadow(element, '[part~="conflict"]')!.textContent).to.contain(`${payload}!`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const root of [element, element.shadowRoot!]) {
        expect(root.querySelectorAll('img, script')).to.have.length(0);
        expect([...root.querySelectorAll('[href]')].map((a) => a.getAttribute('href'))).to.deep.equal(root === element ? ['/sign-in'] : []);
      }
      expect(element.shadowRoot!.querySelector('[part~="identity-provider"]')!.textContent).to.contain('<img');
      expect((window as { __pkXss?: number }).__pkXss).to.equal(undefined);
    });
  });

  describe('keyboard', () => {
    it('moves through the fields with Tab and saves with Enter', async () => {
      const client = await profileClient(DEMO.anna);
      const element = await mount(client);
      const first = input(element, 'firstname')!;
      first.focus();
      first.select();
      await sendKeys({ type: 'Annika' });
      await sendKeys({ press: 'Tab' });
      expect(document.activeElement).to.equal(input(element, 'lastname'));
      const saved = oneEvent(element, 'pk-profile-saved');
      await sendKeys({ press: 'Enter' });
      expect(((await saved).detail as ApiRow)['firstname']).to.equal('Annika');
      // Focus stays on the form (the button is aria-disabled while saving, never disabled).
      expect(element.contains(document.activeElement)).to.equal(true);
    });

    it('reaches the conflict actions with the keyboard', async () => {
      const client = await profileClient(DEMO.anna);
      const element = await mount(client);
      input(element, 'firstname')!.focus();
      input(element, 'firstname')!.setSelectionRange(4, 4);
      await sendKeys({ type: 'x' });
      client.touchRow('contact', DEMO.anna.id, { lastname: 'Other' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => shadow(element, '[part~="conflict"]'));
      await sendKeys({ press: 'Tab' });
      expect(element.shadowRoot!.activeElement?.textContent).to.contain('Use my changes');
      const saved = oneEvent(element, 'pk-profile-saved');
      await sendKeys({ press: 'Enter' });
      expect((await saved).detail).to.include({ firstname: 'Annax', lastname: 'Other' });
    });
  });
});
