import { css } from 'lit';
import { buttonLook, primaryButtonLook } from '../../styles/button.styles.js';
import { tokens } from '../../styles/tokens.styles.js';

export const fieldStyles = [
  tokens,
  css`
    :host {
      display: grid;
      gap: 0.3rem;
      margin-block-end: var(--_pk-space);
    }
    ::slotted(label) {
      font-weight: 600;
      font-size: 0.95em;
    }
    ::slotted(input),
    ::slotted(select),
    ::slotted(textarea) {
      box-sizing: border-box;
      width: 100%;
      padding: 0.55rem 0.65rem;
      font: inherit;
      color: var(--_pk-text);
      background: var(--_pk-surface);
      border: 1px solid var(--_pk-border);
      border-radius: var(--_pk-radius);
    }
    ::slotted(input[readonly]),
    ::slotted(textarea[readonly]) {
      background: var(--_pk-subtle);
      color: var(--_pk-muted);
    }
    ::slotted(input[type='checkbox']) {
      width: auto;
      justify-self: start;
    }
    ::slotted(:focus-visible) {
      outline: none;
      box-shadow: var(--_pk-focus);
      border-color: var(--_pk-accent);
    }
    :host([invalid]) ::slotted(input),
    :host([invalid]) ::slotted(select),
    :host([invalid]) ::slotted(textarea) {
      border-color: var(--_pk-danger);
    }
    ::slotted([slot='hint']) {
      color: var(--_pk-muted);
      font-size: 0.85em;
    }
    ::slotted([slot='error']) {
      color: var(--_pk-danger);
      font-size: 0.85em;
    }
    :host([actions]) {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    ::slotted(button) {
      ${buttonLook}
    }
    ::slotted(button[data-variant='primary']) {
      ${primaryButtonLook}
    }
    ::slotted(button[data-variant='link']) {
      border-color: transparent;
      background: none;
      color: var(--_pk-accent);
      text-decoration: underline;
      padding-inline: 0.25rem;
    }
    ::slotted(button:disabled) {
      opacity: 0.6;
      cursor: not-allowed;
    }
  `,
];
