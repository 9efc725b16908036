/**
 * `<pk-sign-in>` with the test double: every view and state, the light-DOM form (autofill), busy states,
 * typed errors mapped to messages (one message for wrong password and lockout), events, keyboard paths,
 * accessibility, and provider names rendered inert.
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../packages/components/src/components/sign-in/sign-in.js';
import type { PkSignIn } from '../../../packages/components/src/components/sign-in/sign-in.component.js';
import { setPortalLocale } from '../../../packages/components/src/localization/localization.js';
import {
  InvalidCredentialsError,
  NetworkError,
  PortalError,
  RateLimitedError,
  ValidationError,
} from '../../../packages/sdk/src/errors/index.js';
import type { TestPortalClient } from '../../../packages/sdk/src/testing/index.js';
import { DEMO, demoClient } from './support/demo-config.js';
import { signInDiscovery } from './support/sign-in-discovery.js';
import type { SignInDiscoveryOptions } from './support/sign-in-discovery.js';

interface MountOptions {
  readonly discovery?: SignInDiscoveryOptions;
  readonly client?: TestPortalClient;
  readonly attributes?: Record<string, string | boolean>;
}

async function mount(options: MountOptions = {}): Promise<{ element: PkSignIn; client: TestPortalClient }> {
  const client = options.client ?? (await demoClient({ discovery: signInDiscovery(options.discovery) }));
  const element = document.createElement('pk-sign-in');
  for (const [name, value] of Object.entries(options.attributes ?? {})) {
    if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  element.client = client;
  const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
  wrapper.append(element);
  await element.updateComplete;
  if (client.state.status !== 'loading') await waitUntil(() => part(element, 'card')?.getAttribute('aria-busy') === 'false', 'the sign-in options load');
  await element.updateComplete;
  return { element, client };
}

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
  for (const [name, value] of Object.entries(values)) {
    const field = input(element, name);
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

function form(element: PkSignIn): HTMLFormElement {
  const found = element.querySelector('form');
  if (!found) throw new Error('no form');
  return found;
}

function switchButton(element: PkSignIn, view: string): HTMLButtonElement | null {
  return element.querySelector<HTMLButtonElement>(`button[data-pk-switch="${view}"]`);
}

async function submit(element: PkSignIn): Promise<void> {
  form(element).requestSubmit();
  await element.updateComplete;
}

/** Resolves once the element has finished its request (busy went back to false). */
async function settled(element: PkSignIn): Promise<void> {
  await waitUntil(() => !element.busy, 'the request finishes');
  await element.updateComplete;
}

function errorText(element: PkSignIn): string {
  return text(part(element, 'error'));
}

function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('<pk-sign-in>', () => {
  describe('sign-in view', () => {
    it('renders the form and its inputs in light DOM with autocomplete hints and matching labels', async () => {
      const { element } = await mount();
      const password = element.querySelector<HTMLInputElement>('input[autocomplete="current-password"]');
      expect(password !== null, 'found with element.querySelector').to.equal(true);
      expect(element.contains(password)).to.equal(true);
      expect(password?.getRootNode() === document).to.equal(true);
      expect(element.shadowRoot?.querySelector('input, form') === null, 'absent').to.equal(true);
      const label = element.querySelector<HTMLLabelElement>(`label[for="${password?.id}"]`);
      expect(text(label)).to.equal('Password');
      expect(label?.control === password).to.equal(true);
      const login = input(element, 'login');
      expect(login.autocomplete).to.equal('username');
      expect(text(element.querySelector(`label[for="${login.id}"]`))).to.equal('Email or username');
      expect(password?.closest('pk-field') !== null, 'present').to.equal(true);
      expect(password?.type).to.equal('password');
      expect(text(part(element, 'heading'))).to.equal('Sign in');
      expect(form(element).getAttribute('aria-label')).to.equal('Sign in');
      // The form's container is slotted into the shadow-DOM card.
      const slot = element.shadowRoot?.querySelector<HTMLSlotElement>('slot[name="form"]');
      const assigned = slot?.assignedElements() ?? [];
      expect(assigned.length).to.equal(1);
      expect(assigned[0] === form(element).parentElement).to.equal(true);
    });

    it('gives every instance its own ids', async () => {
      const first = (await mount()).element;
      const second = (await mount()).element;
      const ids = [...first.querySelectorAll('[id]'), ...second.querySelectorAll('[id]')].map((node) => node.id);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(input(first, 'password').id).to.not.equal(input(second, 'password').id);
    });

    it('shows one form in a clone of the element', async () => {
      const { element, client } = await mount();
      const clone = element.cloneNode(true) as PkSignIn;
      clone.client = client;
      element.after(clone);
      await waitUntil(() => clone.querySelector('form'), 'the clone renders');
      await clone.updateComplete;
      expect(clone.querySelectorAll('form').length).to.equal(1);
      expect(clone.querySelectorAll('[data-pk-sign-in-form]').length).to.equal(1);
      expect(input(clone, 'password').id).to.not.equal(input(element, 'password').id);
    });

    it('treats an unknown view attribute as the sign-in view', async () => {
      const { element } = await mount({ attributes: { view: 'bogus' } });
      expect(form(element).dataset['pkView']).to.equal('sign-in');
      expect(text(part(element, 'heading'))).to.equal('Sign in');
      fill(element, { login: 'anna', password: DEMO.anna.password });
      await submit(element);
      await settled(element);
      expect(text(part(element, 'who'))).to.equal(`Signed in as ${DEMO.anna.email}`);
    });

    it('labels the login field after the site setting', async () => {
      const byEmail = (await mount({ discovery: { local: { signInWith: 'email' } } })).element;
      expect(input(byEmail, 'login').type).to.equal('email');
      expect(text(byEmail.querySelector(`label[for="${input(byEmail, 'login').id}"]`))).to.equal('Email');
      const byName = (await mount({ discovery: { local: { signInWith: 'username' } } })).element;
      expect(text(byName.querySelector(`label[for="${input(byName, 'login').id}"]`))).to.equal('Username');
    });

    it('signs in by keyboard (type, Enter) and fires pk-signed-in with the contact', async () => {
      const { element, client } = await mount();
      input(element, 'login').focus();
      await sendKeys({ type: DEMO.anna.username });
      await sendKeys({ press: 'Tab' });
      expect(document.activeElement === input(element, 'password'), 'focus').to.equal(true);
      await sendKeys({ type: DEMO.anna.password });
      const signedIn = oneEvent(element, 'pk-signed-in');
      await sendKeys({ press: 'Enter' });
      const event = await signedIn;
      expect(event.detail).to.deep.equal({ id: DEMO.anna.id, email: DEMO.anna.email, username: DEMO.anna.username });
      expect(event.bubbles && event.composed).to.equal(true);
      expect(client.state.status).to.equal('signedIn');
      await element.updateComplete;
      expect(element.querySelector('form') === null, 'absent').to.equal(true);
      expect(text(part(element, 'who'))).to.equal(`Signed in as ${DEMO.anna.email}`);
      expect(deepActive() === part(element, 'heading'), 'focus').to.equal(true);
    });

    it('is busy during the request: aria-busy, disabled submit, status, and no double submit', async () => {
      const client = await demoClient({ discovery: signInDiscovery(), latencyMs: 150 });
      let calls = 0;
      const signIn = client.signIn.bind(client);
      client.signIn = (credentials) => {
        calls++;
        return signIn(credentials);
      };
      const { element } = await mount({ client });
      let starts = 0;
      element.addEventListener('pk-sign-in-start', () => starts++);
      fill(element, { login: DEMO.paul.email, password: DEMO.paul.password });
      await submit(element);
      expect(element.busy).to.equal(true);
      expect(element.hasAttribute('busy')).to.equal(true);
      expect(part(element, 'card')?.getAttribute('aria-busy')).to.equal('true');
      expect(form(element).getAttribute('aria-busy')).to.equal('true');
      expect(form(element).querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).to.equal(true);
      expect(text(part(element, 'status'))).to.equal('Signing in…');
      // A second submit (Enter again, or a script) while busy is ignored.
      form(element).requestSubmit();
      input(element, 'password').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await aTimeout(20);
      expect(calls).to.equal(1);
      expect(starts).to.equal(1);
      await settled(element);
      expect(calls).to.equal(1);
      expect(client.state.status).to.equal('signedIn');
      expect(part(element, 'card')?.getAttribute('aria-busy')).to.equal('false');
    });

    it('shows the same generic message for a wrong password and a locked-out account, focused in an alert', async () => {
      const { element, client } = await mount();
      fill(element, { login: DEMO.anna.email, password: 'not-the-password' });
      await submit(element);
      await settled(element);
      const wrong = errorText(element);
      expect(wrong).to.equal('The login or password is not correct.');
      expect(part(element, 'error')?.getAttribute('role')).to.equal('alert');
      expect(deepActive() === part(element, 'error'), 'focus').to.equal(true);
      expect(client.state.status).to.equal('anonymous');

      // The server answers a locked account (right password) exactly like a wrong password.
      client.failNext('signIn', new InvalidCredentialsError('The login or password is not correct.', { status: 401, code: 'invalid-credentials' }));
      fill(element, { password: DEMO.anna.password });
      await submit(element);
      await settled(element);
      expect(errorText(element)).to.equal(wrong);
      expect(client.state.status).to.equal('anonymous');
    });

    it('says how long to wait when rate limited', async () => {
      const { element, client } = await mount();
      client.failNext('signIn', new RateLimitedError('Too many requests', { status: 429, code: 'rate-limited', retryAfterSeconds: 42 }));
      fill(element, { login: 'anna', password: 'whatever-it-is' });
      await submit(element);
      await settled(element);
      expect(errorText(element)).to.equal('Too many attempts. Try again in 42 seconds.');
      client.failNext('signIn', new RateLimitedError('Too many requests', { status: 429, code: 'rate-limited' }));
      await submit(element);
      await settled(element);
      expect(errorText(element)).to.equal('Too many attempts. Wait a moment and try again.');
    });

    it('reports network failures and unknown errors', async () => {
      const { element, client } = await mount();
      fill(element, { login: 'anna', password: 'whatever-it-is' });
      client.failNext('signIn', new NetworkError('Could not reach', { status: 0, code: 'network-error' }));
      await submit(element);
      await settled(element);
      expect(errorText(element)).to.equal('The server cannot be reached. Check your connection and try again.');
      client.failNext('signIn', new PortalError('Boom <b>x</b>', { status: 500, code: 'internal' }));
      await submit(element);
      await settled(element);
      expect(errorText(element)).to.equal('Something went wrong. Try again.');
    });

    it("checks required fields in the browser first, next to each field, without a request", async () => {
      const { element } = await mount();
      let starts = 0;
      element.addEventListener('pk-sign-in-start', () => starts++);
      await submit(element);
      await element.updateComplete;
      expect(starts).to.equal(0);
      expect(element.busy).to.equal(false);
      expect(errorText(element)).to.equal('Some fields need attention.');
      for (const name of ['login', 'password']) {
        const field = input(element, name);
        expect(field.getAttribute('aria-invalid'), name).to.equal('true');
        const error = element.querySelector(`#${field.getAttribute('aria-describedby')}`);
        expect(error?.getAttribute('slot')).to.equal('error');
        expect(text(error)).to.not.equal('');
        expect(field.closest('pk-field')?.hasAttribute('invalid')).to.equal(true);
      }
    });

    it('fires a cancelable pk-sign-in-start and does nothing when it is prevented', async () => {
      const { element, client } = await mount();
      const seen: unknown[] = [];
      element.addEventListener('pk-sign-in-start', (event) => {
        seen.push((event as CustomEvent).detail);
        expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
        event.preventDefault();
      });
      fill(element, { login: DEMO.anna.username, password: DEMO.anna.password });
      await submit(element);
      await aTimeout(10);
      expect(seen).to.deep.equal([{ method: 'local' }]);
      expect(element.busy).to.equal(false);
      expect(client.state.status).to.equal('anonymous');
      expect(errorText(element)).to.equal('');
    });
  });

  describe('register view', () => {
    it('asks for an invitation code (one-time-code) when registration is by invitation, with the password policy', async () => {
      const client = await demoClient({ discovery: signInDiscovery() });
      const registered: unknown[] = [];
      const register = client.register.bind(client);
      client.register = (details) => {
        registered.push(details);
        return register(details);
      };
      const { element } = await mount({ client, attributes: { view: 'register' } });
      expect(text(part(element, 'heading'))).to.equal('Create an account');
      expect(input(element, 'email').autocomplete).to.equal('email');
      expect(input(element, 'username').autocomplete).to.equal('username');
      expect(input(element, 'username').required).to.equal(false);
      const password = input(element, 'password');
      expect(password.autocomplete).to.equal('new-password');
      expect(password.minLength).to.equal(12);
      const hint = element.querySelector(`#${password.getAttribute('aria-describedby')}`);
      expect(text(hint)).to.equal('At least 12 characters, mixing 3 of: lower-case letters, upper-case letters, digits, other characters.');
      const code = input(element, 'invitationCode');
      expect(code.autocomplete).to.equal('one-time-code');
      expect(code.required).to.equal(true);
      expect(text(element.querySelector(`label[for="${code.id}"]`))).to.equal('Invitation code');

      const starts: unknown[] = [];
      element.addEventListener('pk-sign-in-start', (event) => starts.push((event as CustomEvent).detail));
      fill(element, { email: 'new@fabrikam.example', password: 'A-long-enough-Pass1', invitationCode: ' INV-123 ' });
      const signedIn = oneEvent(element, 'pk-signed-in');
      input(element, 'invitationCode').focus();
      await sendKeys({ press: 'Enter' });
      expect((await signedIn).detail).to.include({ email: 'new@fabrikam.example' });
      expect(starts).to.deep.equal([{ method: 'register' }]);
      expect(registered).to.deep.equal([{ email: 'new@fabrikam.example', password: 'A-long-enough-Pass1', invitationCode: 'INV-123' }]);
    });

    it('shows each ValidationError path next to its field (aria-invalid, aria-describedby)', async () => {
      const { element, client } = await mount({ attributes: { view: 'register' } });
      client.failNext(
        'register',
        new ValidationError('The request is not valid', {
          status: 400,
          code: 'validation-failed',
          problem: {
            errors: [
              { path: '/password', message: 'must be at least 12 characters long' },
              { path: '/password', message: 'must mix at least 3 of: lower-case letters, upper-case letters, digits, other characters' },
              { path: '/username', message: '<img src=x onerror="window.__pwned=1"> is taken' },
              { path: '/firstname', message: 'is too long' },
            ],
          },
        }),
      );
      fill(element, { email: 'x@fabrikam.example', username: 'someone', password: 'short-but-valid-for-browser', invitationCode: 'INV' });
      await submit(element);
      await settled(element);
      expect(errorText(element)).to.contain('Some fields need attention.');
      // A path with no field of this form is listed in the summary.
      expect(part(element, 'error')?.querySelector('li')?.textContent).to.equal('is too long');
      const password = input(element, 'password');
      expect(password.getAttribute('aria-invalid')).to.equal('true');
      const describedBy = password.getAttribute('aria-describedby')?.split(' ') ?? [];
      const error = describedBy.map((id) => element.querySelector(`#${id}`)).find((node) => node?.getAttribute('slot') === 'error');
      expect(text(error)).to.equal(
        'must be at least 12 characters long; must mix at least 3 of: lower-case letters, upper-case letters, digits, other characters',
      );
      expect(password.closest('pk-field')?.hasAttribute('invalid')).to.equal(true);
      expect(input(element, 'email').hasAttribute('aria-invalid')).to.equal(false);
      const username = input(element, 'username');
      expect(username.getAttribute('aria-invalid')).to.equal('true');
      expect(element.querySelector('img') === null, 'absent').to.equal(true);
      expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
      expect(deepActive() === part(element, 'error'), 'focus').to.equal(true);
    });

    it('puts an invalid invitation on the invitation field', async () => {
      const { element, client } = await mount({ attributes: { view: 'register' } });
      client.failNext('register', new ValidationError('Invalid invitation', { status: 400, code: 'invalid-invitation' }));
      fill(element, { email: 'x@fabrikam.example', password: 'A-long-enough-Pass1', invitationCode: 'WRONG' });
      await submit(element);
      await settled(element);
      const code = input(element, 'invitationCode');
      expect(code.getAttribute('aria-invalid')).to.equal('true');
      expect(text(element.querySelector(`#${code.id}-error`))).to.equal('The invitation code is not valid, has expired, or has been used.');
    });

    it('has no invitation field when registration is open', async () => {
      const { element } = await mount({ discovery: { local: { registration: 'open', signInWith: 'email' } }, attributes: { view: 'register' } });
      expect(element.querySelector('input[name="invitationCode"]') === null, 'absent').to.equal(true);
      expect(element.querySelector('input[name="username"]') === null, 'absent').to.equal(true);
      expect(input(element, 'email').autocomplete).to.equal('username');
    });

    it('offers no registration when the site closed it or hide-registration is set', async () => {
      const closed = (await mount({ discovery: { local: { registration: 'closed' } }, attributes: { view: 'register' } })).element;
      expect(text(part(closed, 'heading'))).to.equal('Sign in');
      expect(switchButton(closed, 'register') === null, 'absent').to.equal(true);
      expect(closed.querySelector('input[name="invitationCode"]') === null, 'absent').to.equal(true);
      const hidden = (await mount({ attributes: { 'hide-registration': true, view: 'register' } })).element;
      expect(switchButton(hidden, 'register') === null, 'absent').to.equal(true);
      expect(hidden.querySelector('form')?.dataset['pkView']).to.equal('sign-in');
      const open = (await mount()).element;
      expect(switchButton(open, 'register') !== null, 'present').to.equal(true);
    });

    it('switches views with buttons and moves focus to the first field', async () => {
      const { element } = await mount();
      switchButton(element, 'register')?.click();
      await element.updateComplete;
      expect(form(element).dataset['pkView']).to.equal('register');
      expect(document.activeElement === input(element, 'email'), 'focus').to.equal(true);
      switchButton(element, 'sign-in')?.click();
      await element.updateComplete;
      expect(document.activeElement === input(element, 'login'), 'focus').to.equal(true);
      // Switching with the keyboard: the switch buttons are real buttons.
      switchButton(element, 'forgot')?.focus();
      await sendKeys({ press: 'Enter' });
      await element.updateComplete;
      expect(form(element).dataset['pkView']).to.equal('forgot');
      expect(document.activeElement === input(element, 'email'), 'focus').to.equal(true);
    });
  });

  describe('forgot and reset views', () => {
    it('asks for a reset mail and confirms it in the status region', async () => {
      const client = await demoClient({ discovery: signInDiscovery() });
      const requests: unknown[] = [];
      client.requestPasswordReset = async (request) => {
        requests.push(request);
      };
      const { element } = await mount({ client, attributes: { view: 'forgot' } });
      expect(text(part(element, 'heading'))).to.equal('Reset your password');
      expect(input(element, 'email').autocomplete).to.equal('email');
      fill(element, { email: ' anna@fabrikam.example ' });
      await submit(element);
      await settled(element);
      expect(requests).to.deep.equal([{ email: 'anna@fabrikam.example' }]);
      expect(text(part(element, 'status'))).to.equal('If an account uses this address, a link to choose a new password is on its way. Check your mail.');
      expect(part(element, 'status')?.getAttribute('role')).to.equal('status');
      expect(deepActive() === part(element, 'status'), 'focus').to.equal(true);
    });

    it('has no forgot view when the site has no password reset', async () => {
      const { element } = await mount({ discovery: { local: { passwordReset: false } }, attributes: { view: 'forgot' } });
      expect(form(element).dataset['pkView']).to.equal('sign-in');
      expect(switchButton(element, 'forgot') === null, 'absent').to.equal(true);
    });

    it('sets a new password with the reset-token attribute, then offers sign-in', async () => {
      const client = await demoClient({ discovery: signInDiscovery() });
      const confirmations: unknown[] = [];
      client.confirmPasswordReset = async (confirmation) => {
        confirmations.push(confirmation);
      };
      const { element } = await mount({ client, attributes: { 'reset-token': 'tok-123' } });
      expect(text(part(element, 'heading'))).to.equal('Choose a new password');
      const password = input(element, 'newPassword');
      expect(password.autocomplete).to.equal('new-password');
      expect(password.minLength).to.equal(12);
      fill(element, { newPassword: 'A-brand-new-Pass1' });
      await submit(element);
      await settled(element);
      expect(confirmations).to.deep.equal([{ token: 'tok-123', newPassword: 'A-brand-new-Pass1' }]);
      expect(form(element).dataset['pkView']).to.equal('sign-in');
      expect(text(part(element, 'status'))).to.equal('Your password was changed. Sign in with your new password.');
      expect(document.activeElement === input(element, 'login'), 'focus').to.equal(true);
    });

    it('reads the token from the ?token= parameter of a reset link and removes it once used', async () => {
      const original = location.href;
      const url = new URL(location.href);
      url.searchParams.set('token', 'from-the-mail');
      history.replaceState(history.state, '', url.href);
      try {
        const client = await demoClient({ discovery: signInDiscovery() });
        const confirmations: unknown[] = [];
        client.confirmPasswordReset = async (confirmation) => {
          confirmations.push(confirmation);
        };
        const { element } = await mount({ client });
        expect(form(element).dataset['pkView']).to.equal('reset');
        fill(element, { newPassword: 'A-brand-new-Pass1' });
        await submit(element);
        await settled(element);
        expect(confirmations).to.deep.equal([{ token: 'from-the-mail', newPassword: 'A-brand-new-Pass1' }]);
        expect(new URL(location.href).searchParams.has('token')).to.equal(false);
      } finally {
        history.replaceState(history.state, '', original);
      }
    });

    it('explains an expired reset link', async () => {
      const { element, client } = await mount({ attributes: { 'reset-token': 'old' } });
      client.failNext('confirmPasswordReset', new ValidationError('Invalid reset link', { status: 400, code: 'invalid-token' }));
      fill(element, { newPassword: 'A-brand-new-Pass1' });
      await submit(element);
      await settled(element);
      expect(errorText(element)).to.equal('This reset link is not valid, has expired, or has been used. Ask for a new one.');
      expect(form(element).dataset['pkView']).to.equal('reset');
    });
  });

  describe('providers', () => {
    it('lists the providers from discovery and signs in by redirect by default', async () => {
      const client = await demoClient({ discovery: signInDiscovery() });
      const calls: unknown[] = [];
      client.signInWith = async (id, options) => {
        calls.push([id, options]);
        return { redirecting: true };
      };
      const { element } = await mount({ client, attributes: { 'return-url': '/incidents' } });
      const buttons = [...(element.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part~="provider-button"]') ?? [])];
      expect(buttons.map((button) => text(button))).to.deep.equal(['Continue with Partner sign-in', 'Continue with Contoso staff']);
      expect(part(element, 'providers')?.getAttribute('role')).to.equal('group');
      expect(part(element, 'divider') !== null, 'present').to.equal(true);
      const start = oneEvent(element, 'pk-sign-in-start');
      buttons[0]?.click();
      expect((await start).detail).to.deep.equal({ method: 'partners' });
      await aTimeout(10);
      expect(calls).to.deep.equal([['partners', { mode: 'redirect', returnUrl: '/incidents' }]]);
      // The page is leaving: nothing else may start.
      await element.updateComplete;
      expect(element.busy).to.equal(true);
      expect(buttons[1]?.disabled).to.equal(true);
    });

    it('signs in in a popup with provider-mode="popup" and reports a closed popup', async () => {
      const client = await demoClient({ discovery: signInDiscovery() });
      const calls: unknown[] = [];
      let cancel = true;
      client.signInWith = async (id, options) => {
        calls.push([id, options.mode]);
        if (cancel) throw Object.assign(new Error('The sign-in window was closed'), { code: 'sign-in-cancelled' });
        return { contact: { id: 'c1', email: 'p@partner.example', username: null }, created: false, linked: false, provider: id, returnUrl: '/' };
      };
      const { element } = await mount({ client, attributes: { 'provider-mode': 'popup' } });
      part(element, 'provider-button')?.click();
      await aTimeout(10);
      await settled(element);
      expect(errorText(element)).to.equal('The sign-in window was closed before the sign-in finished.');
      cancel = false;
      const signedIn = oneEvent(element, 'pk-signed-in');
      part(element, 'provider-button')?.click();
      expect((await signedIn).detail).to.deep.equal({ id: 'c1', email: 'p@partner.example', username: null });
      expect(calls).to.deep.equal([
        ['partners', 'popup'],
        ['partners', 'popup'],
      ]);
    });

    it('does not start a provider sign-in when pk-sign-in-start is prevented', async () => {
      const client = await demoClient({ discovery: signInDiscovery() });
      let called = false;
      client.signInWith = async () => {
        called = true;
        return { redirecting: true };
      };
      const { element } = await mount({ client });
      element.addEventListener('pk-sign-in-start', (event) => event.preventDefault());
      part(element, 'provider-button')?.click();
      await aTimeout(10);
      expect(called).to.equal(false);
      expect(element.busy).to.equal(false);
    });

    it('finishes a redirect sign-in when the page is the provider callback, once per client', async () => {
      const original = location.href;
      const url = new URL(location.href);
      url.searchParams.set('state', 'flow;x');
      url.searchParams.set('code', 'abc');
      history.replaceState(history.state, '', url.href);
      try {
        const client = await demoClient({ discovery: signInDiscovery() });
        let completions = 0;
        client.completeRedirect = async () => {
          completions++;
          const contact = await client.signIn({ login: 'paul', password: DEMO.paul.password });
          return { contact, created: false, linked: false, provider: 'partners', returnUrl: '/' };
        };
        const element = document.createElement('pk-sign-in');
        element.client = client;
        const signedIn = oneEvent(element, 'pk-signed-in');
        const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
        wrapper.append(element);
        expect((await signedIn).detail).to.include({ id: DEMO.paul.id });
        const second = document.createElement('pk-sign-in');
        second.client = client;
        wrapper.append(second);
        await second.updateComplete;
        expect(completions).to.equal(1);
      } finally {
        history.replaceState(history.state, '', original);
      }
    });

    it('renders a provider name with markup as text', async () => {
      const payload = '<img src=x onerror="window.__pwned=1">';
      const { element } = await mount({
        discovery: { providers: [{ id: 'evil', type: 'oidc', displayName: payload, clientId: 'x', issuer: 'javascript:alert(1)', scopes: [] }] },
      });
      await aTimeout(20);
      expect(element.shadowRoot?.querySelector('img') === null, 'absent').to.equal(true);
      expect(element.querySelector('img') === null, 'absent').to.equal(true);
      expect(text(part(element, 'provider-button'))).to.equal(`Continue with ${payload}`);
      expect(element.shadowRoot?.querySelector('[href]') === null, 'absent').to.equal(true);
      expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    });

    it('shows only provider buttons when the site takes no passwords', async () => {
      const { element } = await mount({ discovery: { local: { enabled: false } } });
      expect(part(element, 'provider-button') !== null, 'present').to.equal(true);
      expect(element.querySelector('form') === null, 'absent').to.equal(true);
      expect(part(element, 'divider') === null, 'absent').to.equal(true);
      const none = (await mount({ discovery: { local: { enabled: false }, providers: [] } })).element;
      expect(text(part(none, 'status'))).to.equal('This site offers no way to sign in here.');
    });
  });

  describe('states', () => {
    it('shows who is signed in and signs out with pk-signed-out', async () => {
      const client = await demoClient({ discovery: signInDiscovery(), contact: DEMO.sam });
      const { element } = await mount({ client });
      expect(text(part(element, 'heading'))).to.equal('Signed in');
      expect(text(part(element, 'who'))).to.equal('Signed in as sam@contoso.example');
      expect(element.querySelector('form') === null, 'absent').to.equal(true);
      const signedOut = oneEvent(element, 'pk-signed-out');
      part(element, 'sign-out-button')?.click();
      const event = await signedOut;
      expect(event.bubbles && event.composed).to.equal(true);
      expect(client.state.status).to.equal('anonymous');
      await element.updateComplete;
      await waitUntil(() => element.querySelector('form'));
      expect(text(part(element, 'status'))).to.equal('You are signed out.');
    });

    it('renders nothing to fill in while the client is loading', async () => {
      const client = await demoClient({ discovery: signInDiscovery(), loading: true });
      const { element } = await mount({ client });
      expect(element.querySelector('form') === null, 'absent').to.equal(true);
      expect(text(part(element, 'status'))).to.equal('Loading…');
      expect(part(element, 'card')?.getAttribute('aria-busy')).to.equal('true');
      client.settle();
      await waitUntil(() => element.querySelector('form'));
      expect(part(element, 'card')?.getAttribute('aria-busy')).to.equal('false');
    });

    it('offers a retry when discovery fails', async () => {
      const client = await demoClient({ discovery: signInDiscovery() });
      client.failNext('discovery', new NetworkError('Could not reach', { status: 0, code: 'network-error' }));
      const { element } = await mount({ client });
      expect(element.querySelector('form') === null, 'absent').to.equal(true);
      expect(errorText(element)).to.equal('The server cannot be reached. Check your connection and try again.');
      await expect(element).to.be.accessible();
      part(element, 'retry-button')?.click();
      await waitUntil(() => element.querySelector('form'));
      expect(errorText(element)).to.equal('');
    });

    it('follows the locale (French)', async () => {
      const { element } = await mount();
      try {
        await setPortalLocale('fr');
        await element.updateComplete;
        expect(text(part(element, 'heading'))).to.equal('Connexion');
        expect(text(element.querySelector(`label[for="${input(element, 'password').id}"]`))).to.equal('Mot de passe');
        expect(text(part(element, 'provider-button'))).to.equal('Continuer avec Partner sign-in');
      } finally {
        await setPortalLocale('en');
      }
    });
  });

  describe('accessibility', () => {
    for (const view of ['sign-in', 'register', 'forgot'] as const) {
      it(`has no axe violations in the ${view} view`, async () => {
        const { element } = await mount({ attributes: { view } });
        await expect(element).to.be.accessible();
      });
    }

    it('has no axe violations in the reset, error and signed-in states', async () => {
      const reset = (await mount({ attributes: { 'reset-token': 't' } })).element;
      await expect(reset).to.be.accessible();
      const failing = (await mount({ attributes: { view: 'register' } })).element;
      await submit(failing);
      await failing.updateComplete;
      expect(failing.querySelectorAll('[aria-invalid="true"]').length).to.be.greaterThan(0);
      await expect(failing).to.be.accessible();
      const client = await demoClient({ discovery: signInDiscovery(), contact: DEMO.paul });
      const signedIn = (await mount({ client })).element;
      await expect(signedIn).to.be.accessible();
    });
  });
});
