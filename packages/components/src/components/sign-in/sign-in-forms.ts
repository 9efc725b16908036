/**
 * The light-DOM forms of `<pk-sign-in>`, one template per view. They live outside the shadow root so
 * that labels, browser autofill and password managers see ordinary inputs with `autocomplete` hints
 * (password managers do not look into shadow roots). Every value stays in the inputs themselves; the
 * element reads them with `FormData` on submit.
 */
import { msg, str } from '@lit/localize';
import type { DiscoveryDocument } from '@portalkit/sdk';
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

/** The views of `<pk-sign-in>` that show a form. */
export type FormView = 'sign-in' | 'register' | 'forgot' | 'reset';

/** Local sign-in settings of a site that takes passwords. */
export type LocalSettings = Extract<DiscoveryDocument['authentication']['local'], { enabled: true }>;

/** What a form template needs from the element. */
export interface FormContext {
  /** Unique per element, so two sign-in forms on a page never share an `id`. */
  readonly idPrefix: string;
  /** The form's accessible name (the heading lives in the shadow root, out of `aria-labelledby`'s reach). */
  readonly label: string;
  readonly local: LocalSettings;
  readonly busy: boolean;
  /** Field messages by input name. */
  readonly errors: ReadonlyMap<string, string>;
  readonly canRegister: boolean;
  readonly canReset: boolean;
  readonly onSubmit: (event: SubmitEvent) => void;
  readonly onSwitch: (view: FormView) => void;
}

interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'email' | 'password';
  readonly autocomplete: string;
  readonly required?: boolean;
  readonly minlength?: number;
  readonly hint?: string;
  readonly inputmode?: string;
}

/** The form of `view`. */
export function formTemplate(view: FormView, context: FormContext): TemplateResult {
  switch (view) {
    case 'register':
      return registerForm(context);
    case 'forgot':
      return forgotForm(context);
    case 'reset':
      return resetForm(context);
    default:
      return signInForm(context);
  }
}

/** The input names a view's form has (to place `ValidationError` paths). */
export function fieldNames(view: FormView, local: LocalSettings): string[] {
  switch (view) {
    case 'register':
      return [
        'email',
        ...(local.signInWith === 'email' ? [] : ['username']),
        'password',
        ...(local.registration === 'invitation' ? ['invitationCode'] : []),
      ];
    case 'forgot':
      return ['email'];
    case 'reset':
      return ['newPassword'];
    default:
      return ['login', 'password'];
  }
}

function signInForm(context: FormContext): TemplateResult {
  const { signInWith } = context.local;
  const login =
    signInWith === 'email'
      ? msg('Email', { id: 'sign-in.field.email' })
      : signInWith === 'username'
        ? msg('Username', { id: 'sign-in.field.username' })
        : msg('Email or username', { id: 'sign-in.field.login' });
  return html`
    <form data-pk-view="sign-in" novalidate aria-label=${context.label} aria-busy=${context.busy ? 'true' : 'false'} @submit=${context.onSubmit}>
      ${field(context, { name: 'login', label: login, type: signInWith === 'email' ? 'email' : 'text', autocomplete: 'username', required: true })}
      ${field(context, { name: 'password', label: msg('Password', { id: 'sign-in.field.password' }), type: 'password', autocomplete: 'current-password', required: true })}
      ${submitRow(context, msg('Sign in', { id: 'sign-in.submit.sign-in' }))}
      ${switchRow([
        context.canReset ? switchButton(context, 'forgot', msg('Forgot your password?', { id: 'sign-in.switch.forgot' })) : nothing,
        context.canRegister ? switchButton(context, 'register', msg('Create an account', { id: 'sign-in.switch.register' })) : nothing,
      ])}
    </form>
  `;
}

function registerForm(context: FormContext): TemplateResult {
  const { signInWith, registration } = context.local;
  return html`
    <form data-pk-view="register" novalidate aria-label=${context.label} aria-busy=${context.busy ? 'true' : 'false'} @submit=${context.onSubmit}>
      ${field(context, {
        name: 'email',
        label: msg('Email', { id: 'sign-in.field.email' }),
        type: 'email',
        // When people sign in by email, the email is the account's user name for password managers.
        autocomplete: signInWith === 'email' ? 'username' : 'email',
        required: true,
      })}
      ${signInWith === 'email'
        ? nothing
        : field(context, {
            name: 'username',
            label: signInWith === 'username' ? msg('Username', { id: 'sign-in.field.username' }) : msg('Username (optional)', { id: 'sign-in.field.username-optional' }),
            type: 'text',
            autocomplete: 'username',
            required: signInWith === 'username',
          })}
      ${newPasswordField(context, 'password')}
      ${registration === 'invitation'
        ? field(context, {
            name: 'invitationCode',
            label: msg('Invitation code', { id: 'sign-in.field.invitation-code' }),
            type: 'text',
            autocomplete: 'one-time-code',
            required: true,
            hint: msg('This site registers by invitation: enter the code from your invitation.', { id: 'sign-in.hint.invitation-code' }),
          })
        : nothing}
      ${submitRow(context, msg('Create account', { id: 'sign-in.submit.register' }))}
      ${switchRow([switchButton(context, 'sign-in', msg('I already have an account', { id: 'sign-in.switch.have-account' }))])}
    </form>
  `;
}

function forgotForm(context: FormContext): TemplateResult {
  return html`
    <form data-pk-view="forgot" novalidate aria-label=${context.label} aria-busy=${context.busy ? 'true' : 'false'} @submit=${context.onSubmit}>
      ${field(context, {
        name: 'email',
        label: msg('Email', { id: 'sign-in.field.email' }),
        type: 'email',
        autocomplete: 'email',
        required: true,
        hint: msg('We will mail you a link to choose a new password.', { id: 'sign-in.hint.forgot' }),
      })}
      ${submitRow(context, msg('Send reset link', { id: 'sign-in.submit.forgot' }))}
      ${switchRow([switchButton(context, 'sign-in', msg('Back to sign in', { id: 'sign-in.switch.back' }))])}
    </form>
  `;
}

function resetForm(context: FormContext): TemplateResult {
  return html`
    <form data-pk-view="reset" novalidate aria-label=${context.label} aria-busy=${context.busy ? 'true' : 'false'} @submit=${context.onSubmit}>
      ${newPasswordField(context, 'newPassword')}
      ${submitRow(context, msg('Set new password', { id: 'sign-in.submit.reset' }))}
      ${switchRow([switchButton(context, 'sign-in', msg('Back to sign in', { id: 'sign-in.switch.back' }))])}
    </form>
  `;
}

function newPasswordField(context: FormContext, name: string): TemplateResult {
  const policy = context.local.passwordPolicy;
  const minLength = Number.isInteger(policy.minLength) && policy.minLength > 0 ? policy.minLength : undefined;
  return field(context, {
    name,
    label: name === 'newPassword' ? msg('New password', { id: 'sign-in.field.new-password' }) : msg('Password', { id: 'sign-in.field.password' }),
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    ...(minLength === undefined ? {} : { minlength: minLength }),
    ...passwordHint(minLength, policy.requiredCharacterClasses),
  });
}

function passwordHint(minLength: number | undefined, classes: number): { hint?: string } {
  const mix = Number.isInteger(classes) ? Math.min(Math.max(classes, 0), 4) : 0;
  if (minLength === undefined) return {};
  if (mix <= 1) return { hint: msg(str`At least ${minLength} characters.`, { id: 'sign-in.hint.password-length' }) };
  return {
    hint: msg(str`At least ${minLength} characters, mixing ${mix} of: lower-case letters, upper-case letters, digits, other characters.`, {
      id: 'sign-in.hint.password-policy',
    }),
  };
}

function field(context: FormContext, spec: FieldSpec): TemplateResult {
  const id = `${context.idPrefix}-${spec.name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const error = context.errors.get(spec.name);
  const describedBy = [spec.hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return html`
    <pk-field ?invalid=${error !== undefined}>
      <label slot="label" for=${id}>${spec.label}</label>
      <input
        id=${id}
        name=${spec.name}
        type=${spec.type}
        autocomplete=${spec.autocomplete}
        ?required=${spec.required === true}
        minlength=${ifDefined(spec.minlength)}
        autocapitalize=${spec.type === 'password' || spec.type === 'email' || spec.autocomplete === 'username' ? 'none' : nothing}
        spellcheck=${spec.type === 'password' ? nothing : 'false'}
        aria-invalid=${error !== undefined ? 'true' : nothing}
        aria-describedby=${describedBy === '' ? nothing : describedBy}
      />
      ${spec.hint ? html`<div slot="hint" id=${hintId}>${spec.hint}</div>` : nothing}
      ${error !== undefined ? html`<div slot="error" id=${errorId}>${error}</div>` : nothing}
    </pk-field>
  `;
}

function submitRow(context: FormContext, label: string): TemplateResult {
  return html`
    <pk-field actions>
      <button type="submit" data-variant="primary" ?disabled=${context.busy}>${label}</button>
    </pk-field>
  `;
}

function switchRow(buttons: readonly (TemplateResult | typeof nothing)[]): TemplateResult | typeof nothing {
  if (buttons.every((button) => button === nothing)) return nothing;
  return html`<pk-field actions data-pk-switches>${buttons}</pk-field>`;
}

function switchButton(context: FormContext, view: FormView, label: string): TemplateResult {
  return html`<button type="button" data-variant="link" data-pk-switch=${view} ?disabled=${context.busy} @click=${() => context.onSwitch(view)}>${label}</button>`;
}
