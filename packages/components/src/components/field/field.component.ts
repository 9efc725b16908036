import { html, LitElement } from 'lit';
import type { TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { fieldStyles } from './field.styles.js';

/**
 * Lays out and styles one form field whose `<label>`, control and messages stay in the light DOM, where
 * labels, browser autofill and password managers work (the Lion model). The forms of `<pk-sign-in>` and
 * `<pk-profile-form>` are built from these; makers may use it for their own fields too.
 *
 * @summary A styled field around a native control in light DOM.
 * @slot label - The `<label for="…">` of the control.
 * @slot - The native control (`<input>`, `<select>`, `<textarea>`), or buttons with `actions`.
 * @slot hint - Help text (reference it from the control's `aria-describedby`).
 * @slot error - The validation message (reference it from `aria-describedby`; set `invalid`).
 * @csspart label - The label's box.
 * @csspart control - The control's box.
 * @csspart messages - The box of hint and error.
 * @cssprop --pk-color-border - Control borders.
 * @cssprop --pk-color-danger - Invalid borders and error text.
 * @cssprop --pk-color-accent - Focus ring and primary buttons.
 * @cssprop --pk-radius - Corner radius of controls and buttons.
 */
export class PkField extends LitElement {
  static override styles = fieldStyles;

  /** Marks the control as invalid (red border); the message goes in the `error` slot. */
  @property({ type: Boolean, reflect: true }) invalid = false;

  /** Lays out buttons in a row instead of a labelled control. */
  @property({ type: Boolean, reflect: true }) actions = false;

  protected override render(): TemplateResult {
    if (this.actions) return html`<slot></slot>`;
    return html`
      <div part="label"><slot name="label"></slot></div>
      <div part="control"><slot></slot></div>
      <div part="messages"><slot name="hint"></slot><slot name="error"></slot></div>
    `;
  }
}
