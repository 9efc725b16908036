import { msg, str } from '@lit/localize';
import type { ContactSummary, DiscoveryDocument, PortalClient, ProviderDescriptor } from '@portalkit/sdk';
import { html, nothing, render } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PortalElement } from '../../internal/portal-element.js';
import '../field/field.js';
import { forgetResetTokenInUrl, resetTokenFromUrl } from './reset-token.js';
import { claimRedirectCallback } from './redirect-callback.js';
import { describeFailure, localValidationFailure } from './sign-in-failure.js';
import type { SignInFailure } from './sign-in-failure.js';
import { fieldNames, formTemplate } from './sign-in-forms.js';
import type { FormView, LocalSettings } from './sign-in-forms.js';
import { signInStyles } from './sign-in.styles.js';

/** The views the `view` attribute can ask for. */
export type SignInInitialView = 'sign-in' | 'register' | 'forgot';

const INITIAL_VIEWS: readonly string[] = ['sign-in', 'register', 'forgot'] satisfies readonly SignInInitialView[];

/** `detail` of `pk-sign-in-start`: `local`, `register`, or the id of the provider the visitor chose. */
export interface SignInStartDetail {
  readonly method: string;
}

type SignInWithOptions = Parameters<PortalClient['signInWith']>[1];

/** What the element shows as a whole. */
type Phase = 'loading' | 'signed-in' | 'unavailable' | 'form' | 'providers-only';

/** Where focus goes after the next render. */
type FocusTarget = 'field' | 'error' | 'heading' | 'status';

let instances = 0;

/**
 * A complete sign-in box: local sign-in, registration (with an invitation code when the site asks for
 * one), forgot password and choosing a new password from a mailed link, buttons for the site's
 * sign-in providers, and a small signed-in view with a sign-out button. What it offers follows the
 * server's discovery document.
 *
 * The form and its inputs are rendered into the element's **light DOM** (a `<div slot="form">` child
 * the element adds), with `autocomplete` hints, so password managers and browser autofill work; the
 * page's own CSS reaches them, and each input is wrapped in a `<pk-field>`. The rest (card, heading,
 * messages, provider buttons) is in the shadow root and styled with `--pk-*` properties and parts.
 *
 * A password-reset link (`/reset-password?token=…`, as the server mails it) opens the "choose a new
 * password" view by itself: the element reads the query parameter named by `reset-param` (default
 * `token`), or takes the token from the `reset-token` attribute, and removes it from the address bar
 * once the new password is set. A redirect back from a sign-in provider is finished on load.
 *
 * `pk-signed-in` and `pk-signed-out` report sign-ins and sign-outs made through this element; listen to
 * the client (`client.subscribe`) for changes made elsewhere (another tab, another element).
 *
 * @summary Sign-in, registration and password reset, with provider buttons.
 * @slot form - Reserved: the element renders its light-DOM form here. Do not put content in it.
 * @slot - Extra content below the form (terms of use, help links).
 * @csspart card - The box around everything.
 * @csspart heading - The heading (`h2`) naming the current view.
 * @csspart error - The error summary (an alert; focused when a request fails).
 * @csspart status - Progress and confirmation messages (a polite live region).
 * @csspart providers - The group of provider buttons.
 * @csspart provider-button - One provider's button.
 * @csspart divider - The "or" line between provider buttons and the form.
 * @csspart who - The signed-in view's "Signed in as …" line.
 * @csspart sign-out-button - The signed-in view's sign-out button.
 * @csspart retry-button - Tries loading the sign-in options again after a failure.
 * @cssprop --pk-sign-in-max-width - Maximum width of the element (default `26rem`).
 * @cssprop --pk-sign-in-padding - Padding of the card (default `1.5rem`).
 * @cssprop --pk-sign-in-background - Card background (default `--pk-color-surface`).
 * @cssprop --pk-sign-in-shadow - Card shadow (default none).
 * @cssprop --pk-sign-in-heading-size - Heading font size (default `1.35rem`).
 * @cssprop --pk-color-surface - Card and button background.
 * @cssprop --pk-color-border - Card, input and button borders.
 * @cssprop --pk-color-text - Text.
 * @cssprop --pk-color-muted - Status messages, hints, divider.
 * @cssprop --pk-color-accent - Primary button, focus ring, link buttons.
 * @cssprop --pk-color-danger - Error summary, invalid fields.
 * @cssprop --pk-radius - Corner radius.
 * @cssprop --pk-space - Vertical rhythm.
 * @cssprop --pk-font-family - Font.
 * @fires pk-sign-in-start - Cancelable; before a sign-in or registration request (`detail: { method: 'local' | 'register' | providerId }`). Call `preventDefault()` to stop it.
 * @fires pk-signed-in - A sign-in or registration through this element succeeded (`detail`: the contact `{ id, email, username }`).
 * @fires pk-signed-out - The visitor signed out with this element's button.
 */
export class PkSignIn extends PortalElement {
  static override styles = signInStyles;

  /** The view to show first: `sign-in` (default), `register` or `forgot`. Changing it switches the view. */
  @property() view: SignInInitialView = 'sign-in';

  /** Offers no registration, whatever the site allows. */
  @property({ type: Boolean, attribute: 'hide-registration' }) hideRegistration = false;

  /** How provider buttons sign in: `redirect` (leave the page and come back; default) or `popup`. */
  @property({ attribute: 'provider-mode' }) providerMode: 'redirect' | 'popup' = 'redirect';

  /** A path on this site to return to after a redirect sign-in with a provider (default: this page). */
  @property({ attribute: 'return-url' }) returnUrl: string | null = null;

  /** The redirect URI registered at the providers (default: this page's origin and path). */
  @property({ attribute: 'redirect-uri' }) redirectUri: string | null = null;

  /** A password-reset token to redeem; opens the "choose a new password" view. */
  @property({ attribute: 'reset-token' }) resetToken: string | null = null;

  /** The query parameter a reset link carries its token in (default `token`, as the server mails it); empty: never read the URL. */
  @property({ attribute: 'reset-param' }) resetParam = 'token';

  /** A request is under way (reflected; the submit and provider buttons are disabled meanwhile). Read-only. */
  @property({ type: Boolean, reflect: true }) busy = false;

  @state() private currentView: FormView = 'sign-in';
  @state() private discovery: DiscoveryDocument | undefined;
  @state() private discoveryFailure: SignInFailure | undefined;
  @state() private failure: SignInFailure | undefined;
  @state() private notice = '';

  readonly #idPrefix = `pk-sign-in-${++instances}`;
  #formHost: HTMLElement | undefined;
  #discoveryClient: PortalClient | undefined;
  #urlToken: string | undefined;
  #urlTokenRead = false;
  #pendingFocus: FocusTarget | undefined;
  #fieldsRendered: Promise<unknown> = Promise.resolve();

  override connectedCallback(): void {
    if (!this.#urlTokenRead) {
      this.#urlTokenRead = true;
      this.#urlToken = resetTokenFromUrl(this.resetParam);
      if (this.#urlToken !== undefined) this.currentView = 'reset';
    }
    this.#ensureFormHost();
    super.connectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('view') && (changed.get('view') !== undefined || this.currentView !== 'reset')) {
      // An attribute can hold anything; an unknown view means the default one.
      this.currentView = INITIAL_VIEWS.includes(this.view) ? this.view : 'sign-in';
      this.failure = undefined;
    }
    if (changed.has('resetToken') && this.resetToken) this.currentView = 'reset';
    const client = this.portal.client;
    if (client !== this.#discoveryClient) {
      this.#discoveryClient = client;
      this.discovery = undefined;
      this.discoveryFailure = undefined;
      if (client) {
        void this.#loadDiscovery(client);
        if (claimRedirectCallback(client)) void this.#completeRedirect(client);
      }
    }
  }

  protected override update(changed: PropertyValues<this>): void {
    super.update(changed);
    // The form is rendered after the shadow root, into the light-DOM child the shadow root slots.
    render(this.#lightTemplate(), this.#ensureFormHost(), { host: this });
  }

  protected override updated(): void {
    const target = this.#pendingFocus;
    this.#pendingFocus = undefined;
    // A new form's inputs are only focusable (and laid out) once their <pk-field>s have rendered slots.
    this.#fieldsRendered = Promise.all(
      [...(this.#formHost?.querySelectorAll('pk-field') ?? [])].map((field) => field.updateComplete),
    ).then(() => {
      if (target === 'field') this.#formHost?.querySelector<HTMLElement>('input:not([type="hidden"])')?.focus();
      else if (target !== undefined) this.renderRoot.querySelector<HTMLElement>(`[part~="${target}"]`)?.focus();
    });
  }

  /** Also waits for the light-DOM form's fields to render and for the focus move that follows. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const complete = await super.getUpdateComplete();
    await this.#fieldsRendered;
    return complete;
  }

  protected override render(): TemplateResult {
    const phase = this.#phase();
    const busy = this.busy || phase === 'loading';
    return html`
      <section part="card" aria-labelledby="heading" aria-busy=${busy ? 'true' : 'false'}>
        <h2 part="heading" id="heading" tabindex="-1">${this.#heading(phase)}</h2>
        <div part="error" role="alert" tabindex="-1" ?data-shown=${this.#failureShown() !== undefined}>${this.#errorContent()}</div>
        <div part="status" role="status" tabindex="-1" ?data-shown=${this.#statusText(phase) !== ''}>${this.#statusText(phase)}</div>
        ${phase === 'signed-in' ? this.#signedInView() : nothing}
        ${phase === 'unavailable' ? html`<button type="button" part="retry-button" @click=${this.#retryDiscovery}>${msg('Try again', { id: 'sign-in.retry' })}</button>` : nothing}
        ${phase === 'form' || phase === 'providers-only' ? this.#providers() : nothing}
        ${phase === 'form' && this.#showsProviders() ? html`<div part="divider">${msg('or', { id: 'sign-in.divider' })}</div>` : nothing}
        <slot name="form"></slot>
        <slot></slot>
      </section>
    `;
  }

  #phase(): Phase {
    const state = this.portal.state;
    if (state.status === 'loading') return 'loading';
    if (state.status === 'signedIn' && !(this.currentView === 'reset' && this.#token() !== undefined)) return 'signed-in';
    if (this.discoveryFailure) return 'unavailable';
    if (!this.discovery) return 'loading';
    return this.discovery.authentication.local.enabled ? 'form' : 'providers-only';
  }

  #local(): LocalSettings | undefined {
    const local = this.discovery?.authentication.local;
    return local?.enabled ? local : undefined;
  }

  /** The view actually shown: one the site offers, else sign-in. */
  #formView(local: LocalSettings): FormView {
    const view = this.currentView;
    if (view === 'register' && !this.#canRegister(local)) return 'sign-in';
    if (view === 'forgot' && !local.passwordReset) return 'sign-in';
    if (view === 'reset' && (!local.passwordReset || this.#token() === undefined)) return 'sign-in';
    return view;
  }

  #canRegister(local: LocalSettings): boolean {
    return !this.hideRegistration && local.registration !== 'closed';
  }

  #token(): string | undefined {
    return this.resetToken || this.#urlToken;
  }

  #heading(phase: Phase): string {
    if (phase === 'signed-in') return msg('Signed in', { id: 'sign-in.heading.signed-in' });
    const local = this.#local();
    const view = phase === 'form' && local ? this.#formView(local) : 'sign-in';
    switch (view) {
      case 'register':
        return msg('Create an account', { id: 'sign-in.heading.register' });
      case 'forgot':
        return msg('Reset your password', { id: 'sign-in.heading.forgot' });
      case 'reset':
        return msg('Choose a new password', { id: 'sign-in.heading.reset' });
      default:
        return msg('Sign in', { id: 'sign-in.heading.sign-in' });
    }
  }

  #failureShown(): SignInFailure | undefined {
    return this.failure ?? (this.#phase() === 'unavailable' ? this.discoveryFailure : undefined);
  }

  #errorContent(): TemplateResult | typeof nothing {
    const failure = this.#failureShown();
    if (!failure) return nothing;
    return html`<span>${failure.summary}</span>${failure.unplaced.length > 0 ? html`<ul>${failure.unplaced.map((message) => html`<li>${message}</li>`)}</ul>` : nothing}`;
  }

  #statusText(phase: Phase): string {
    if (this.notice !== '') return this.notice;
    if (phase === 'loading') return msg('Loading…', { id: 'sign-in.loading' });
    if (phase === 'providers-only' && !this.#showsProviders()) return msg('This site offers no way to sign in here.', { id: 'sign-in.no-methods' });
    return '';
  }

  #signedInView(): TemplateResult {
    const state = this.portal.state;
    const contact = state.status === 'signedIn' ? state.contact : undefined;
    const who = contact?.email || contact?.username || msg('your account', { id: 'sign-in.who.unknown' });
    return html`
      <p part="who">${msg(str`Signed in as ${who}`, { id: 'sign-in.who' })}</p>
      <button type="button" part="sign-out-button" ?disabled=${this.busy} @click=${this.#signOut}>${msg('Sign out', { id: 'sign-in.sign-out' })}</button>
    `;
  }

  #showsProviders(): boolean {
    const phase = this.#phase();
    if (phase === 'providers-only') return (this.discovery?.authentication.providers.length ?? 0) > 0;
    const local = this.#local();
    if (phase !== 'form' || !local) return false;
    const view = this.#formView(local);
    return (view === 'sign-in' || view === 'register') && (this.discovery?.authentication.providers.length ?? 0) > 0;
  }

  #providers(): TemplateResult | typeof nothing {
    if (!this.#showsProviders()) return nothing;
    const providers = this.discovery?.authentication.providers ?? [];
    return html`
      <div part="providers" role="group" aria-label=${msg('Sign in with a provider', { id: 'sign-in.providers' })}>
        ${providers.map(
          (provider) => html`
            <button type="button" part="provider-button" data-provider=${provider.id} ?disabled=${this.busy} @click=${() => void this.#signInWith(provider)}>
              ${msg(str`Continue with ${provider.displayName}`, { id: 'sign-in.provider' })}
            </button>
          `,
        )}
      </div>
    `;
  }

  #lightTemplate(): TemplateResult | typeof nothing {
    const local = this.#local();
    if (this.#phase() !== 'form' || !local) return nothing;
    return formTemplate(this.#formView(local), {
      idPrefix: this.#idPrefix,
      label: this.#heading('form'),
      local,
      busy: this.busy,
      errors: this.failure?.fields ?? new Map(),
      canRegister: this.#canRegister(local),
      canReset: local.passwordReset,
      onSubmit: this.#onSubmit,
      onSwitch: this.#switchTo,
    });
  }

  #ensureFormHost(): HTMLElement {
    if (this.#formHost?.parentNode !== this) {
      // A copy of the element (cloneNode, a framework's re-render) may bring a stale container along:
      // reuse it, emptied, rather than showing two forms.
      const stale = [...this.children].find((child) => child.hasAttribute('data-pk-sign-in-form'));
      const host = stale instanceof HTMLElement ? stale : document.createElement('div');
      host.replaceChildren();
      host.slot = 'form';
      host.setAttribute('data-pk-sign-in-form', '');
      if (!stale) this.append(host);
      this.#formHost = host;
    }
    return this.#formHost;
  }

  readonly #switchTo = (view: FormView): void => {
    if (this.busy) return;
    this.currentView = view;
    this.failure = undefined;
    this.notice = '';
    this.#pendingFocus = 'field';
  };

  readonly #retryDiscovery = (): void => {
    const client = this.portal.client;
    if (!client) return;
    this.discoveryFailure = undefined;
    void this.#loadDiscovery(client);
  };

  async #loadDiscovery(client: PortalClient): Promise<void> {
    try {
      const discovery = await client.discovery();
      if (client === this.#discoveryClient) this.discovery = discovery;
    } catch (error) {
      if (client === this.#discoveryClient) this.discoveryFailure = describeFailure(error, []);
    }
  }

  readonly #onSubmit = (event: SubmitEvent): void => {
    // Always: the element submits with the client, never by navigating.
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    void this.#submit(form);
  };

  async #submit(form: HTMLFormElement): Promise<void> {
    const client = this.portal.client;
    const local = this.#local();
    if (!client || !local) return;
    const view = this.#formView(local);

    const invalid = constraintProblems(form);
    if (invalid.size > 0) {
      this.#fail(localValidationFailure(invalid));
      return;
    }
    const data = new FormData(form);
    const value = (name: string): string => {
      const entry = data.get(name);
      return typeof entry === 'string' ? entry : '';
    };

    if (view === 'sign-in' || view === 'register') {
      const start = this.emit<SignInStartDetail>('pk-sign-in-start', { method: view === 'sign-in' ? 'local' : 'register' }, { cancelable: true });
      if (start.defaultPrevented) return;
    }
    // Set before the first await: a second Enter or click in the meantime finds the element busy.
    this.busy = true;
    this.failure = undefined;
    this.notice = busyMessage(view);
    try {
      switch (view) {
        case 'sign-in': {
          const contact = await client.signIn({ login: value('login').trim(), password: value('password') });
          this.#signedIn(contact);
          break;
        }
        case 'register': {
          const optional = (name: string): Record<string, string> => (value(name).trim() === '' ? {} : { [name]: value(name).trim() });
          const contact = await client.register({
            email: value('email').trim(),
            password: value('password'),
            ...optional('username'),
            ...optional('invitationCode'),
          });
          this.#signedIn(contact);
          break;
        }
        case 'forgot':
          await client.requestPasswordReset({ email: value('email').trim() });
          this.notice = msg('If an account uses this address, a link to choose a new password is on its way. Check your mail.', { id: 'sign-in.forgot.sent' });
          this.#pendingFocus = 'status';
          break;
        case 'reset': {
          const token = this.#token();
          if (token === undefined) break;
          await client.confirmPasswordReset({ token, newPassword: value('newPassword') });
          this.resetToken = null;
          this.#urlToken = undefined;
          forgetResetTokenInUrl(this.resetParam);
          this.currentView = 'sign-in';
          this.notice = msg('Your password was changed. Sign in with your new password.', { id: 'sign-in.reset.done' });
          this.#pendingFocus = 'field';
          break;
        }
      }
    } catch (error) {
      this.#fail(describeFailure(error, fieldNames(view, local)));
    } finally {
      this.busy = false;
    }
  }

  async #signInWith(provider: ProviderDescriptor): Promise<void> {
    const client = this.portal.client;
    if (!client || this.busy) return;
    const start = this.emit<SignInStartDetail>('pk-sign-in-start', { method: provider.id }, { cancelable: true });
    if (start.defaultPrevented) return;
    this.busy = true;
    this.failure = undefined;
    this.notice = msg('Signing in…', { id: 'sign-in.busy.sign-in' });
    let redirecting = false;
    try {
      const result = await client.signInWith(provider.id, this.#providerOptions());
      if ('redirecting' in result) {
        // The page is leaving for the provider: stay busy so nothing else starts meanwhile.
        redirecting = true;
        return;
      }
      this.#signedIn(result.contact);
    } catch (error) {
      this.#fail(describeFailure(error, []));
    } finally {
      if (!redirecting) this.busy = false;
    }
  }

  #providerOptions(): SignInWithOptions {
    const invitation = this.#formHost?.querySelector<HTMLInputElement>('input[name="invitationCode"]')?.value.trim() ?? '';
    return {
      mode: this.providerMode === 'popup' ? 'popup' : 'redirect',
      ...(this.returnUrl ? { returnUrl: this.returnUrl } : {}),
      ...(this.redirectUri ? { redirectUri: this.redirectUri } : {}),
      ...(invitation !== '' ? { invitationCode: invitation } : {}),
    };
  }

  async #completeRedirect(client: PortalClient): Promise<void> {
    this.busy = true;
    this.notice = msg('Signing in…', { id: 'sign-in.busy.sign-in' });
    try {
      const result = await client.completeRedirect();
      this.notice = '';
      if (result) this.#signedIn(result.contact);
    } catch (error) {
      this.#fail(describeFailure(error, []));
    } finally {
      this.busy = false;
    }
  }

  readonly #signOut = async (): Promise<void> => {
    const client = this.portal.client;
    if (!client || this.busy) return;
    this.busy = true;
    this.failure = undefined;
    this.notice = msg('Signing out…', { id: 'sign-in.busy.sign-out' });
    try {
      await client.signOut();
      this.currentView = 'sign-in';
      this.notice = msg('You are signed out.', { id: 'sign-in.signed-out' });
      this.#pendingFocus = 'heading';
      this.emit('pk-signed-out', undefined, { cancelable: false });
    } catch (error) {
      this.#fail(describeFailure(error, []));
    } finally {
      this.busy = false;
    }
  };

  #signedIn(contact: ContactSummary): void {
    this.currentView = 'sign-in';
    this.notice = msg('You are signed in.', { id: 'sign-in.signed-in' });
    this.#pendingFocus = 'heading';
    this.emit('pk-signed-in', { id: contact.id, email: contact.email, username: contact.username }, { cancelable: false });
  }

  #fail(failure: SignInFailure): void {
    this.failure = failure;
    this.notice = '';
    this.#pendingFocus = 'error';
  }
}

function busyMessage(view: FormView): string {
  switch (view) {
    case 'register':
      return msg('Creating your account…', { id: 'sign-in.busy.register' });
    case 'forgot':
      return msg('Sending…', { id: 'sign-in.busy.forgot' });
    case 'reset':
      return msg('Saving your new password…', { id: 'sign-in.busy.reset' });
    default:
      return msg('Signing in…', { id: 'sign-in.busy.sign-in' });
  }
}

/** The browser's own messages for inputs that break their constraints (`required`, `type=email`, `minlength`). */
function constraintProblems(form: HTMLFormElement): Map<string, string> {
  const problems = new Map<string, string>();
  for (const input of form.querySelectorAll('input')) {
    if (input.name !== '' && !input.checkValidity()) problems.set(input.name, input.validationMessage);
  }
  return problems;
}
