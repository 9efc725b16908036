import { msg } from '@lit/localize';
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { FormValue, ProfileField } from './profile-fields.js';

/** What one field's template needs besides the field. */
export interface FieldBinding {
  /** The control's id; the hint and message ids derive from it. */
  readonly id: string;
  readonly value: FormValue;
  readonly error: string | undefined;
  /** A note under the control (after a conflict: the visitor's own value). */
  readonly note?: string | undefined;
  /** Called on every edit with the control's value (and whether a number input holds no number). */
  readonly onInput: (name: string, value: FormValue, badInput: boolean) => void;
}

/**
 * One `<pk-field>` with its light-DOM label, native control and messages. Values go in through property
 * bindings (`.value`, `.checked`) and labels and messages through text bindings, so profile data is
 * never parsed as markup; `live()` makes a re-render after a reload or conflict replace what is shown.
 */
export function fieldTemplate(field: ProfileField, binding: FieldBinding): TemplateResult {
  const { id, error, note } = binding;
  const hintId = `${id}-hint`;
  const noteId = `${id}-note`;
  const errorId = `${id}-error`;
  const describedBy = [field.readOnly ? hintId : '', note ? noteId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const input = (event: Event): void => {
    const control = event.target as HTMLInputElement;
    const value = control.type === 'checkbox' ? control.checked : control.value;
    binding.onInput(field.name, value, control.validity?.badInput === true);
  };
  return html`
    <pk-field ?invalid=${error !== undefined} data-column=${field.name}>
      <label slot="label" for=${id}
        >${field.label}${field.required && !field.readOnly
          ? html` <span class="pk-required">${msg('(required)', { id: 'profile.required-marker' })}</span>`
          : nothing}</label
      >
      ${control(field, binding, describedBy, input)}
      ${field.readOnly ? html`<span slot="hint" id=${hintId}>${msg('You cannot change this.', { id: 'profile.read-only' })}</span>` : nothing}
      ${note ? html`<span slot="hint" id=${noteId}>${note}</span>` : nothing}
      ${error ? html`<span slot="error" id=${errorId}>${error}</span>` : nothing}
    </pk-field>
  `;
}

function control(field: ProfileField, binding: FieldBinding, describedBy: string | undefined, input: (event: Event) => void): TemplateResult {
  const { id, value, error } = binding;
  const invalid = error ? 'true' : undefined;
  const text = typeof value === 'string' ? value : '';
  switch (field.readOnly && field.kind === 'select' ? 'text' : field.kind) {
    case 'textarea':
      return html`<textarea
        id=${id}
        name=${field.name}
        rows="4"
        .value=${live(text)}
        ?readonly=${field.readOnly}
        ?required=${field.required}
        maxlength=${ifDefined(field.maxLength)}
        aria-invalid=${ifDefined(invalid)}
        aria-describedby=${ifDefined(describedBy)}
        @input=${input}
      ></textarea>`;
    case 'number':
      return html`<input
        id=${id}
        name=${field.name}
        type="number"
        step=${field.type === 'integer' ? '1' : 'any'}
        inputmode=${field.type === 'integer' ? 'numeric' : 'decimal'}
        .value=${live(text)}
        ?readonly=${field.readOnly}
        ?required=${field.required}
        aria-invalid=${ifDefined(invalid)}
        aria-describedby=${ifDefined(describedBy)}
        @input=${input}
      />`;
    case 'checkbox':
      // `readonly` means nothing to a checkbox: aria-readonly says it, and the click is refused.
      return html`<input
        id=${id}
        name=${field.name}
        type="checkbox"
        .checked=${live(value === true)}
        aria-readonly=${ifDefined(field.readOnly ? 'true' : undefined)}
        aria-describedby=${ifDefined(describedBy)}
        @click=${field.readOnly ? (event: Event) => event.preventDefault() : nothing}
        @change=${input}
      />`;
    case 'datetime':
      return html`<input
        id=${id}
        name=${field.name}
        type="datetime-local"
        .value=${live(text)}
        ?readonly=${field.readOnly}
        ?required=${field.required}
        aria-invalid=${ifDefined(invalid)}
        aria-describedby=${ifDefined(describedBy)}
        @input=${input}
      />`;
    case 'select':
      return html`<select
        id=${id}
        name=${field.name}
        ?required=${field.required}
        aria-invalid=${ifDefined(invalid)}
        aria-describedby=${ifDefined(describedBy)}
        @change=${input}
      >
        ${field.required && text !== '' ? nothing : html`<option value="" ?selected=${text === ''}>${msg('(none)', { id: 'profile.choice-none' })}</option>`}
        ${field.options.map((option) => html`<option .value=${option} ?selected=${option === text}>${option}</option>`)}
        ${text !== '' && !field.options.includes(text) ? html`<option .value=${text} selected>${text}</option>` : nothing}
      </select>`;
    default:
      return html`<input
        id=${id}
        name=${field.name}
        type=${field.inputType}
        .value=${live(text)}
        ?readonly=${field.readOnly}
        ?required=${field.required && !field.readOnly}
        maxlength=${ifDefined(field.readOnly ? undefined : field.maxLength)}
        autocomplete=${ifDefined(field.autocomplete)}
        spellcheck=${ifDefined(field.autocomplete === 'email' || field.autocomplete === 'username' ? 'false' : undefined)}
        aria-invalid=${ifDefined(invalid)}
        aria-describedby=${ifDefined(describedBy)}
        @input=${input}
      />`;
  }
}
