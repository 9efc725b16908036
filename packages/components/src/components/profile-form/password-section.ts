import { msg, str } from '@lit/localize';
import type { PortalClient } from '@portalkit/sdk';
import { html, nothing } from 'lit';
import type { ReactiveControllerHost, TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { fieldProblems, pointerField } from '../../internal/request-failure.js';
import { errorKind, failureMessage } from './error-kinds.js';

/** The site's password rules as the section uses them (from discovery). */
export interface PasswordRules {
  readonly minLength: number;
  readonly requiredCharacterClasses: number;
}

type PasswordInput = 'currentPassword' | 'newPassword';

/** The element the section belongs to. */
export interface PasswordSectionHost extends ReactiveControllerHost {
  readonly client: PortalClient | undefined;
}

/**
 * The change-password form: its own light-DOM `<form>` (password managers recognise a change-password
 * form by a username field plus `current-password` and `new-password` inputs), client-side length check
 * from the policy, server answers mapped to the fields. A wrong current password gets the same generic
 * message the server gives (it does not say whether the account is locked).
 */
export class PasswordSection {
  readonly #host: PasswordSectionHost;
  readonly #idPrefix: string;
  readonly #onChanged: () => void;
  #values: Record<PasswordInput, string> = { currentPassword: '', newPassword: '' };
  #errors: Partial<Record<PasswordInput, string>> = {};
  #failure: string | undefined;
  #busy = false;

  /** `onChanged` runs after the server accepted a new password. */
  constructor(host: PasswordSectionHost, idPrefix: string, onChanged: () => void) {
    this.#host = host;
    this.#idPrefix = idPrefix;
    this.#onChanged = onChanged;
  }

  /** Whether a change is in flight (the element shows busy). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Forgets typed passwords and messages (sign-out, another contact). */
  reset(): void {
    this.#values = { currentPassword: '', newPassword: '' };
    this.#errors = {};
    this.#failure = undefined;
    this.#busy = false;
  }

  template(login: string, rules: PasswordRules): TemplateResult {
    const id = (input: PasswordInput): string => `${this.#idPrefix}-${input}`;
    const failureId = `${this.#idPrefix}-password-failure`;
    const policyId = `${id('newPassword')}-hint`;
    const field = (input: PasswordInput, label: string, autocomplete: string, hint?: TemplateResult): TemplateResult => {
      const error = this.#errors[input];
      const describedBy = [hint ? policyId : '', error ? `${id(input)}-error` : ''].filter(Boolean).join(' ') || undefined;
      return html`<pk-field ?invalid=${error !== undefined}>
        <label slot="label" for=${id(input)}>${label}</label>
        <input
          id=${id(input)}
          name=${input}
          type="password"
          autocomplete=${autocomplete}
          required
          minlength=${ifDefined(input === 'newPassword' && rules.minLength > 0 ? rules.minLength : undefined)}
          .value=${live(this.#values[input])}
          aria-invalid=${ifDefined(error ? 'true' : undefined)}
          aria-describedby=${ifDefined(describedBy)}
          @input=${(event: Event) => this.#input(input, (event.target as HTMLInputElement).value)}
        />
        ${hint ?? nothing}
        ${error ? html`<span slot="error" id=${`${id(input)}-error`}>${error}</span>` : nothing}
      </pk-field>`;
    };
    return html`
      <form
        novalidate
        aria-label=${msg('Change password', { id: 'profile.password.heading' })}
        aria-busy=${this.#busy ? 'true' : 'false'}
        @submit=${(event: SubmitEvent) => this.#submit(event, rules)}
      >
        <input type="text" name="username" autocomplete="username" .value=${login} hidden readonly tabindex="-1" aria-hidden="true" />
        ${field('currentPassword', msg('Current password', { id: 'profile.password.current' }), 'current-password')}
        ${field(
          'newPassword',
          msg('New password', { id: 'profile.password.new' }),
          'new-password',
          html`<span slot="hint" id=${policyId}>${policyText(rules)}</span>`,
        )}
        <div role="alert" id=${failureId} class="pk-password-failure">${this.#failure ?? nothing}</div>
        <pk-field actions>
          <button type="submit" data-variant="primary" aria-disabled=${this.#busy ? 'true' : 'false'}>
            ${this.#busy ? msg('Changing password…', { id: 'profile.password.busy' }) : msg('Change password', { id: 'profile.password.submit' })}
          </button>
        </pk-field>
      </form>
    `;
  }

  #input(input: PasswordInput, value: string): void {
    this.#values = { ...this.#values, [input]: value };
    if (this.#errors[input]) {
      const { [input]: _cleared, ...rest } = this.#errors;
      this.#errors = rest;
    }
    this.#host.requestUpdate();
  }

  async #submit(event: SubmitEvent, rules: PasswordRules): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const client = this.#host.client;
    if (this.#busy || !client) return;
    this.#failure = undefined;
    this.#errors = validate(this.#values, rules);
    if (Object.keys(this.#errors).length > 0) {
      this.#host.requestUpdate();
      await this.#host.updateComplete;
      this.#focusFirstInvalid(form);
      return;
    }
    this.#busy = true;
    this.#host.requestUpdate();
    try {
      await client.changePassword({ currentPassword: this.#values.currentPassword, newPassword: this.#values.newPassword });
      this.reset();
      this.#onChanged();
    } catch (error) {
      this.#busy = false;
      this.#fail(error);
      this.#host.requestUpdate();
      await this.#host.updateComplete;
      this.#focusFirstInvalid(form);
    }
    this.#host.requestUpdate();
  }

  #fail(error: unknown): void {
    const kind = errorKind(error);
    if (kind === 'invalid-credentials') {
      this.#errors = { currentPassword: msg('The current password is not correct.', { id: 'profile.password.invalid' }) };
      return;
    }
    if (kind === 'validation') {
      const errors: Partial<Record<PasswordInput, string>> = {};
      const other: string[] = [];
      for (const problem of fieldProblems(error)) {
        const column = pointerField(problem.path);
        if (column === 'currentPassword' || column === 'newPassword') errors[column] = serverFieldMessage(column, problem.message);
        else other.push(problem.message);
      }
      this.#errors = errors;
      if (other.length > 0 || Object.keys(errors).length === 0) this.#failure = other.join(' ') || failureMessage(error);
      return;
    }
    this.#failure = failureMessage(error);
  }

  #focusFirstInvalid(form: HTMLFormElement): void {
    const invalid = form.querySelector<HTMLInputElement>('input[aria-invalid="true"]');
    invalid?.focus();
  }
}

function validate(values: Record<PasswordInput, string>, rules: PasswordRules): Partial<Record<PasswordInput, string>> {
  const errors: Partial<Record<PasswordInput, string>> = {};
  if (values.currentPassword === '') errors.currentPassword = msg('Enter your current password.', { id: 'profile.password.current-required' });
  if (values.newPassword === '') errors.newPassword = msg('Enter a new password.', { id: 'profile.password.new-required' });
  else if ([...values.newPassword].length < rules.minLength) {
    errors.newPassword = msg(str`The new password must be at least ${rules.minLength} characters long.`, { id: 'profile.password.too-short' });
  }
  return errors;
}

function serverFieldMessage(input: PasswordInput, message: string): string {
  const label = input === 'newPassword' ? msg('New password', { id: 'profile.password.new' }) : msg('Current password', { id: 'profile.password.current' });
  return `${label} ${message}`;
}

function policyText(rules: PasswordRules): string {
  if (rules.requiredCharacterClasses > 1) {
    return msg(
      str`At least ${rules.minLength} characters, with ${rules.requiredCharacterClasses} of: lowercase letters, capital letters, digits, symbols.`,
      { id: 'profile.password.policy-classes' },
    );
  }
  return msg(str`At least ${rules.minLength} characters.`, { id: 'profile.password.policy' });
}
