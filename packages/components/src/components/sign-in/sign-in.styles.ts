import { css } from 'lit';
import { buttonLook } from '../../styles/button.styles.js';
import { tokens, visuallyHidden } from '../../styles/tokens.styles.js';

export const signInStyles = [
  tokens,
  visuallyHidden,
  css`
    :host {
      display: block;
      max-inline-size: var(--pk-sign-in-max-width, 26rem);
    }
    [part~='card'] {
      box-sizing: border-box;
      padding: var(--pk-sign-in-padding, 1.5rem);
      background: var(--pk-sign-in-background, var(--_pk-surface));
      border: 1px solid var(--_pk-border);
      border-radius: calc(var(--_pk-radius) * 2);
      box-shadow: var(--pk-sign-in-shadow, none);
    }
    [part~='heading'] {
      margin: 0 0 var(--_pk-space);
      font-size: var(--pk-sign-in-heading-size, 1.35rem);
      line-height: 1.25;
    }
    [part~='heading']:focus {
      outline: none;
    }
    [part~='error'],
    [part~='status'] {
      font-size: 0.95em;
    }
    [part~='error'][data-shown] {
      margin-block-end: var(--_pk-space);
      padding: 0.6rem 0.75rem;
      color: var(--_pk-danger);
      border: 1px solid currentColor;
      border-inline-start-width: 4px;
      border-radius: var(--_pk-radius);
      background: color-mix(in srgb, var(--_pk-danger) 8%, var(--_pk-surface));
    }
    [part~='error']:focus-visible {
      outline: none;
      box-shadow: var(--_pk-focus);
    }
    [part~='error'] ul {
      margin: 0.35rem 0 0;
      padding-inline-start: 1.2rem;
    }
    [part~='status'][data-shown] {
      margin-block-end: var(--_pk-space);
      color: var(--_pk-muted);
    }
    [part~='status']:focus {
      outline: none;
    }
    [part~='providers'] {
      display: grid;
      gap: 0.5rem;
    }
    [part~='divider'] {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      margin-block: var(--_pk-space);
      color: var(--_pk-muted);
      font-size: 0.9em;
    }
    [part~='divider']::before,
    [part~='divider']::after {
      content: '';
      flex: 1;
      border-block-start: 1px solid var(--_pk-border);
    }
    button {
      ${buttonLook}
    }
    button:hover:not(:disabled) {
      background: var(--_pk-subtle);
    }
    button:focus-visible {
      outline: none;
      box-shadow: var(--_pk-focus);
      border-color: var(--_pk-accent);
    }
    button:disabled {
      opacity: 0.6;
      cursor: not-allowed;
    }
    [part~='who'] {
      margin: 0 0 var(--_pk-space);
      overflow-wrap: anywhere;
    }
  `,
];
