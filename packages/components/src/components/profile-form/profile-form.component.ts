import { msg, str } from '@lit/localize';
import type { ApiRow, DiscoveryDocument, MeDocument, PortalState } from '@portalkit/sdk';
import { html, nothing, render } from 'lit';
import type { TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PortalElement } from '../../internal/portal-element.js';
import { getPortalLocale } from '../../localization/localization.js';
import { conflictOf } from './conflict.js';
import type { ProfileConflict } from './conflict.js';
import { fieldProblems, pointerField } from '../../internal/request-failure.js';
import { errorKind, failureMessage } from './error-kinds.js';
import { fieldTemplate } from './field-template.js';
import { identitiesTemplate } from './identities.js';
import { PasswordSection } from './password-section.js';
import type { PasswordRules } from './password-section.js';
import { changedValues, fieldProblem, formValues, profileFields } from './profile-fields.js';
import type { FormValue, ProfileField } from './profile-fields.js';
import { profileFormStyles } from './profile-form.styles.js';

/** What the element shows. */
type View = 'loading' | 'anonymous' | 'error' | 'ready';

/** One entry of the error summary: a field's message, or a message about the whole save. */
interface SummaryItem {
  readonly name?: string;
  readonly message: string;
}

/** `detail` of the cancelable `pk-profile-save` event. */
export interface ProfileSaveDetail {
  /** The changed columns only, as they will be sent. */
  readonly changes: Record<string, unknown>;
}

let instances = 0;

/**
 * The signed-in contact's profile as a form: the columns discovery lists that this visitor may read
 * (hidden ones are absent, not empty), read-only where they may not update them, validated before
 * sending, saved with the row's ETag (only the changed columns). When someone else saved first, it shows
 * the newer values, says which of the visitor's edits differ and lets them apply their edits again. Below
 * it: change password (when the site takes passwords) and the linked external sign-ins.
 *
 * The forms and their inputs are rendered into the element's light DOM (slotted into its shadow
 * chrome), so labels, browser autofill and password managers work and a page's own CSS reaches them;
 * each input sits in a `<pk-field>`. Everything shown from the server goes through text and property
 * bindings, never parsed as HTML.
 *
 * @summary The signed-in visitor's profile, password and linked sign-ins.
 * @slot signed-out - Shown to anonymous visitors, e.g. the page's own sign-in link.
 * @slot profile - Reserved: the element renders its profile `<form>` here.
 * @slot password - Reserved: the element renders its change-password `<form>` here.
 * @csspart base - The wrapper of everything (carries `aria-busy`).
 * @csspart message - The loading and signed-out messages.
 * @csspart error - The box shown when the profile could not be loaded.
 * @csspart retry - Its Retry button.
 * @csspart section - Each section (profile, password, identities).
 * @csspart heading - Each section's heading.
 * @csspart error-summary - The list of problems after a refused save.
 * @csspart error-link - A problem in the summary (a button that moves focus to its field).
 * @csspart conflict - The box shown when the profile changed elsewhere before a save.
 * @csspart conflict-list - Its list of the visitor's edits that differ from the saved values.
 * @csspart button - The buttons of the error summary and the conflict box.
 * @csspart status - The polite status line ("Saved", "Password changed").
 * @csspart identities - The list of linked sign-ins.
 * @csspart identity - One linked sign-in.
 * @csspart identity-provider - Its provider's name.
 * @csspart identity-linked - When it was linked.
 * @csspart identities-empty - The text shown when nothing is linked.
 * @cssprop --pk-color-text - Text.
 * @cssprop --pk-color-muted - Secondary text.
 * @cssprop --pk-color-surface - Background of buttons.
 * @cssprop --pk-color-subtle - Background of the conflict box.
 * @cssprop --pk-color-border - Borders.
 * @cssprop --pk-color-accent - Primary buttons, links and focus ring.
 * @cssprop --pk-color-on-accent - Text on primary buttons.
 * @cssprop --pk-color-danger - Errors.
 * @cssprop --pk-color-success - The "Saved" status.
 * @cssprop --pk-radius - Corner radius.
 * @cssprop --pk-space - Spacing unit.
 * @cssprop --pk-font-family - Font.
 * @fires pk-profile-save - Before saving; cancelable (`preventDefault()` stops the save). `detail: { changes }`.
 * @fires pk-profile-saved - The profile was saved. `detail`: the saved row as the server returned it.
 * @fires pk-password-changed - The password was changed (the contact's other sessions ended).
 */
export class PkProfileForm extends PortalElement {
  static override styles = profileFormStyles;

  /** Leaves out the change-password section. */
  @property({ type: Boolean, attribute: 'no-password' }) noPassword = false;

  /** Leaves out the linked sign-ins section. */
  @property({ type: Boolean, attribute: 'no-identities' }) noIdentities = false;

  @state() private view: View = 'loading';
  @state() private loadError: unknown = undefined;
  @state() private saving = false;
  @state() private profileStatus = '';
  @state() private passwordStatus = '';
  @state() private summary: readonly SummaryItem[] = [];
  @state() private conflict: ProfileConflict | undefined = undefined;

  readonly #id = `pk-profile-${++instances}`;
  readonly #password = new PasswordSection(this, this.#id, () => {
    this.passwordStatus = msg('Password changed.', { id: 'profile.password.changed' });
    this.emit('pk-password-changed', undefined, { cancelable: false });
  });
  #discovery: DiscoveryDocument | undefined;
  #me: MeDocument | undefined;
  #profile: ApiRow | undefined;
  #fields: ProfileField[] = [];
  #draft: Record<string, FormValue> = {};
  #errors: Record<string, string> = {};
  readonly #badInput = new Set<string>();
  /** The contact and roles the shown data was loaded for; a change of either reloads. */
  #loadedFor = '';
  /** Bumped by every load, so an answer for an earlier visitor is dropped. */
  #loadGeneration = 0;
  #profileHost: HTMLElement | undefined;
  #passwordHost: HTMLElement | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#profileHost ??= this.#lightHost('profile');
    this.#passwordHost ??= this.#lightHost('password');
    if (!this.#profileHost.isConnected || this.#profileHost.parentNode !== this) this.append(this.#profileHost);
    if (!this.#passwordHost.isConnected || this.#passwordHost.parentNode !== this) this.append(this.#passwordHost);
  }

  /**
   * Loads the profile again (when the page knows it changed elsewhere); what the visitor has typed
   * into columns they can still change is kept.
   */
  async reload(): Promise<void> {
    await this.#load(this.view === 'ready');
  }

  protected override portalStateChanged(state: PortalState): void {
    if (state.status === 'loading') {
      this.#clear();
      this.view = 'loading';
      return;
    }
    if (state.status === 'anonymous') {
      this.#clear();
      this.view = 'anonymous';
      return;
    }
    const key = `${state.contact.id}\u0000${[...state.roles].sort().join('\u0000')}`;
    if (key === this.#loadedFor) return;
    const sameContact = this.#loadedFor.split('\u0000')[0] === state.contact.id;
    this.#loadedFor = key;
    // New roles can show, hide or unlock columns: reload, keeping what this visitor has typed.
    void this.#load(sameContact && this.view === 'ready');
  }

  protected override render(): TemplateResult {
    const busy = this.view === 'loading' || this.saving || this.#password.busy;
    return html`<div part="base" aria-busy=${busy ? 'true' : 'false'}>${this.#body()}</div>`;
  }

  protected override updated(): void {
    // The forms live in light DOM; they are rendered after the chrome so their slots exist.
    const ready = this.view === 'ready' && this.#profile !== undefined;
    if (this.#profileHost) render(ready ? this.#profileForm() : nothing, this.#profileHost, { host: this });
    if (this.#passwordHost) render(ready && this.#showPassword ? this.#passwordForm() : nothing, this.#passwordHost, { host: this });
  }

  #body(): TemplateResult {
    switch (this.view) {
      case 'loading':
        return html`<p part="message">${msg('Loading your profile…', { id: 'profile.loading' })}</p>`;
      case 'anonymous':
        return html`<p part="message">${msg('Sign in to see and change your profile.', { id: 'profile.signed-out' })}</p>
          <slot name="signed-out"></slot>`;
      case 'error':
        return html`<div part="error" role="alert">
          <p>${msg('Your profile could not be loaded.', { id: 'profile.load-failed' })} ${failureMessage(this.loadError)}</p>
          <button part="retry button" type="button" @click=${this.#retry}>${msg('Retry', { id: 'profile.retry' })}</button>
        </div>`;
      case 'ready':
        return this.#readyChrome();
    }
  }

  #readyChrome(): TemplateResult {
    const heading = `${this.#id}-heading`;
    return html`
      <section part="section" aria-labelledby=${heading}>
        <h2 part="heading" id=${heading} tabindex="-1">${msg('Your profile', { id: 'profile.heading' })}</h2>
        ${this.#profile
          ? nothing
          : html`<p part="message">${msg('Your profile cannot be shown.', { id: 'profile.no-profile' })}</p>`}
        ${this.#summaryTemplate()} ${this.#conflictTemplate()}
        <slot name="profile"></slot>
        <p part="status" role="status">${this.profileStatus}</p>
      </section>
      ${this.#showPassword
        ? html`<section part="section" aria-labelledby=${`${this.#id}-password-heading`}>
            <h2 part="heading" id=${`${this.#id}-password-heading`}>${msg('Change password', { id: 'profile.password.heading' })}</h2>
            <slot name="password"></slot>
            <p part="status" role="status">${this.passwordStatus}</p>
          </section>`
        : nothing}
      ${this.noIdentities || !this.#me || !this.#discovery
        ? nothing
        : html`<section part="section" aria-labelledby=${`${this.#id}-identities-heading`}>
            <h2 part="heading" id=${`${this.#id}-identities-heading`}>${msg('Linked sign-ins', { id: 'profile.identities.heading' })}</h2>
            ${identitiesTemplate(this.#me.identities, this.#discovery, getPortalLocale())}
          </section>`}
    `;
  }

  #summaryTemplate(): TemplateResult | typeof nothing {
    if (this.summary.length === 0) return nothing;
    return html`<div part="error-summary" role="alert" tabindex="-1" class="summary">
      <p class="summary-title">
        ${this.summary.length === 1
          ? msg('Your changes were not saved: there is a problem.', { id: 'profile.summary.one' })
          : msg('Your changes were not saved: there are problems.', { id: 'profile.summary.many' })}
      </p>
      <ul>
        ${this.summary.map((item) =>
          item.name
            ? html`<li><button part="error-link" type="button" @click=${() => this.#focusField(item.name!)}>${item.message}</button></li>`
            : html`<li>${item.message}</li>`,
        )}
      </ul>
    </div>`;
  }

  #conflictTemplate(): TemplateResult | typeof nothing {
    const conflict = this.conflict;
    if (!conflict) return nothing;
    return html`<div part="conflict" role="alert" tabindex="-1" class="conflict">
      <p>
        ${msg('Someone changed your profile since you opened it, so your changes were not saved. The form now shows the saved values.', {
          id: 'profile.conflict.intro',
        })}
      </p>
      ${conflict.differences.length > 0
        ? html`<p>${msg('These of your changes differ from the saved values:', { id: 'profile.conflict.differ' })}</p>
            <ul part="conflict-list">
              ${conflict.differences.map(
                (difference) => html`<li>
                  <strong>${difference.label}</strong>: ${msg('yours', { id: 'profile.conflict.yours' })} “${difference.mine}”,
                  ${msg('saved', { id: 'profile.conflict.saved' })} “${difference.saved}”
                </li>`,
              )}
            </ul>`
        : nothing}
      <div class="actions">
        <button part="button" type="button" data-variant="primary" @click=${this.#useMine}>
          ${msg('Use my changes', { id: 'profile.conflict.use-mine' })}
        </button>
        <button part="button" type="button" @click=${this.#keepSaved}>${msg('Keep the saved values', { id: 'profile.conflict.keep-saved' })}</button>
      </div>
    </div>`;
  }

  #profileForm(): TemplateResult {
    const editable = this.#fields.some((field) => !field.readOnly);
    return html`<form
      novalidate
      aria-label=${msg('Your profile', { id: 'profile.heading' })}
      aria-busy=${this.saving ? 'true' : 'false'}
      @submit=${this.#submit}
    >
      ${this.#fields.map((field) =>
        fieldTemplate(field, {
          id: `${this.#id}-${field.name}`,
          value: this.#draft[field.name] ?? '',
          error: this.#errors[field.name],
          note: this.#conflictNote(field.name),
          onInput: this.#input,
        }),
      )}
      ${editable
        ? html`<pk-field actions>
            <button type="submit" data-variant="primary" aria-disabled=${this.saving ? 'true' : 'false'}>
              ${this.saving ? msg('Saving…', { id: 'profile.saving' }) : msg('Save', { id: 'profile.save' })}
            </button>
          </pk-field>`
        : nothing}
    </form>`;
  }

  /** Under a field whose saved value differs from the visitor's edit: what they had typed. */
  #conflictNote(name: string): string | undefined {
    const difference = this.conflict?.differences.find((d) => d.name === name);
    return difference ? msg(str`Your change: “${difference.mine}”`, { id: 'profile.conflict.note' }) : undefined;
  }

  #passwordForm(): TemplateResult {
    const local = this.#discovery?.authentication.local;
    const policy = local?.enabled ? local.passwordPolicy : undefined;
    const rules: PasswordRules = { minLength: policy?.minLength ?? 0, requiredCharacterClasses: policy?.requiredCharacterClasses ?? 0 };
    const login = this.#me?.email ?? this.#me?.username ?? '';
    return this.#password.template(login, rules);
  }

  get #showPassword(): boolean {
    return !this.noPassword && this.#discovery?.authentication.local.enabled === true;
  }

  readonly #input = (name: string, value: FormValue, badInput: boolean): void => {
    this.#draft = { ...this.#draft, [name]: value };
    if (badInput) this.#badInput.add(name);
    else this.#badInput.delete(name);
    this.profileStatus = '';
    // Messages follow the typing once shown, so a fixed field stops saying it is wrong.
    if (this.#errors[name] !== undefined) {
      const field = this.#fields.find((f) => f.name === name);
      const problem = field ? fieldProblem(field, value, badInput) : undefined;
      const { [name]: _old, ...rest } = this.#errors;
      this.#errors = problem ? { ...rest, [name]: problem } : rest;
      this.summary = problem
        ? this.summary.map((item) => (item.name === name ? { name, message: problem } : item))
        : this.summary.filter((item) => item.name !== name);
    }
    this.requestUpdate();
  };

  readonly #submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void this.#save();
  };

  /** Validates, asks the page (`pk-profile-save`), and sends the changed columns with the row's ETag. */
  async #save(): Promise<void> {
    const client = this.portal.client;
    const profile = this.#profile;
    if (this.saving || !client || !profile) return;
    this.conflict = undefined;
    this.profileStatus = '';
    const errors: Record<string, string> = {};
    for (const field of this.#fields) {
      const problem = fieldProblem(field, this.#draft[field.name] ?? '', this.#badInput.has(field.name));
      if (problem) errors[field.name] = problem;
    }
    this.#errors = errors;
    if (Object.keys(errors).length > 0) {
      await this.#showSummary(this.#fields.filter((f) => errors[f.name]).map((f) => ({ name: f.name, message: errors[f.name]! })));
      return;
    }
    this.summary = [];
    const changes = changedValues(this.#fields, this.#draft, profile);
    if (Object.keys(changes).length === 0) {
      this.profileStatus = msg('There are no changes to save.', { id: 'profile.no-changes' });
      return;
    }
    const detail: ProfileSaveDetail = { changes };
    if (this.emit('pk-profile-save', detail, { cancelable: true }).defaultPrevented) return;
    this.saving = true;
    try {
      const saved = await client.updateProfile(changes, { etag: profile._etag });
      // 204 (the row went out of reach after the change): show what `me` shows now.
      const row = typeof saved?._etag === 'string' ? saved : ((await client.me()).profile ?? undefined);
      if (row) this.#showProfile(row);
      this.profileStatus = msg('Saved.', { id: 'profile.saved' });
      this.emit('pk-profile-saved', saved, { cancelable: false });
    } catch (error) {
      await this.#saveFailed(error, changes);
    } finally {
      this.saving = false;
    }
  }

  async #saveFailed(error: unknown, changes: Record<string, unknown>): Promise<void> {
    const kind = errorKind(error);
    if (kind === 'conflict') {
      const edits = Object.fromEntries(Object.keys(changes).map((name) => [name, this.#draft[name] ?? '']));
      try {
        const me = await this.portal.client!.me();
        this.#me = me;
        if (!me.profile) throw error;
        this.#showProfile(me.profile);
      } catch (reloadError) {
        await this.#showSummary([{ message: failureMessage(reloadError) }]);
        return;
      }
      this.conflict = conflictOf(this.#fields, edits, this.#profile!);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part~="conflict"]')?.focus();
      return;
    }
    if (kind === 'validation') {
      const errors: Record<string, string> = {};
      const items: SummaryItem[] = [];
      for (const problem of fieldProblems(error)) {
        const column = pointerField(problem.path);
        const field = this.#fields.find((f) => f.name === column);
        if (field) {
          errors[field.name] = `${field.label} ${problem.message}`;
          items.push({ name: field.name, message: errors[field.name]! });
        } else {
          items.push({ message: problem.message });
        }
      }
      this.#errors = errors;
      await this.#showSummary(items.length > 0 ? items : [{ message: failureMessage(error) }]);
      return;
    }
    await this.#showSummary([{ message: failureMessage(error) }]);
  }

  async #showSummary(items: readonly SummaryItem[]): Promise<void> {
    this.summary = items;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part~="error-summary"]')?.focus();
  }

  readonly #useMine = async (): Promise<void> => {
    const conflict = this.conflict;
    if (!conflict) return;
    this.#draft = { ...this.#draft, ...conflict.edits };
    this.conflict = undefined;
    await this.#save();
  };

  readonly #keepSaved = async (): Promise<void> => {
    this.conflict = undefined;
    await this.updateComplete;
    this.#focusField(this.#fields.find((field) => !field.readOnly)?.name ?? '');
  };

  readonly #retry = async (): Promise<void> => {
    await this.#load(false);
    if (this.view === 'ready') this.renderRoot.querySelector<HTMLElement>('[part~="heading"]')?.focus();
  };

  #focusField(name: string): void {
    this.#profileHost?.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`)?.focus();
  }

  /** Loads discovery and `me`; `keepEdits` carries typed values over to the reloaded form. */
  async #load(keepEdits: boolean): Promise<void> {
    const client = this.portal.client;
    if (!client || client.state.status !== 'signedIn') return;
    const generation = ++this.#loadGeneration;
    const edits = keepEdits && this.#profile ? this.#edits() : {};
    if (!keepEdits) this.view = 'loading';
    try {
      const [discovery, me] = await Promise.all([client.discovery(), client.me()]);
      if (generation !== this.#loadGeneration) return;
      this.#discovery = discovery;
      this.#me = me;
      this.#profile = undefined;
      this.#fields = [];
      this.#draft = {};
      if (me.profile) this.#showProfile(me.profile, edits);
      this.loadError = undefined;
      this.view = 'ready';
    } catch (error) {
      if (generation !== this.#loadGeneration) return;
      this.#clear();
      this.loadError = error;
      this.view = 'error';
    }
  }

  /** The controls whose value differs from the loaded row. */
  #edits(): Record<string, FormValue> {
    const changed = changedValues(this.#fields, this.#draft, this.#profile!);
    return Object.fromEntries(Object.keys(changed).map((name) => [name, this.#draft[name]!]));
  }

  #showProfile(profile: ApiRow, edits: Readonly<Record<string, FormValue>> = {}): void {
    this.#profile = profile;
    this.#fields = profileFields(this.#discovery?.profile.columns ?? [], profile, this.portal.client!);
    const editable = new Set(this.#fields.filter((field) => !field.readOnly).map((field) => field.name));
    const kept = Object.fromEntries(Object.entries(edits).filter(([name]) => editable.has(name)));
    this.#draft = { ...formValues(this.#fields, profile), ...kept };
    this.#errors = {};
    this.#badInput.clear();
    this.summary = [];
    this.requestUpdate();
  }

  /** Forgets everything about the visitor: after sign-out no profile value stays in the DOM. */
  #clear(): void {
    ++this.#loadGeneration;
    this.#loadedFor = '';
    this.#me = undefined;
    this.#profile = undefined;
    this.#fields = [];
    this.#draft = {};
    this.#errors = {};
    this.#badInput.clear();
    this.summary = [];
    this.conflict = undefined;
    this.saving = false;
    this.profileStatus = '';
    this.passwordStatus = '';
    this.#password.reset();
  }

  #lightHost(slot: string): HTMLElement {
    const host = document.createElement('div');
    host.slot = slot;
    host.dataset['pkProfileForm'] = slot;
    return host;
  }
}
