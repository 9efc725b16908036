import { css } from 'lit';
import { buttonLook, primaryButtonLook } from '../../styles/button.styles.js';
import { tokens } from '../../styles/tokens.styles.js';

export const profileFormStyles = [
  tokens,
  css`
    :host {
      display: block;
    }
    [part~='base'] {
      display: grid;
      gap: calc(var(--_pk-space) * 2);
    }
    [part~='section'] {
      display: grid;
      gap: var(--_pk-space);
    }
    [part~='heading'] {
      margin: 0;
      font-size: 1.2em;
    }
    [part~='heading']:focus {
      outline: none;
    }
    [part~='message'],
    [part~='identities-empty'] {
      margin: 0;
      color: var(--_pk-muted);
    }
    [part~='status'] {
      margin: 0;
      min-height: 1.4em;
      color: var(--_pk-success);
      font-weight: 600;
    }
    [part~='error'],
    [part~='error-summary'] {
      border: 2px solid var(--_pk-danger);
      border-radius: var(--_pk-radius);
      padding: var(--_pk-space);
    }
    [part~='error'] p,
    .summary-title {
      margin: 0 0 0.5rem;
      font-weight: 600;
    }
    [part~='error-summary'] ul,
    [part~='conflict-list'] {
      margin: 0;
      padding-inline-start: 1.25rem;
    }
    [part~='error-link'] {
      font: inherit;
      padding: 0;
      border: none;
      background: none;
      color: var(--_pk-danger);
      text-decoration: underline;
      cursor: pointer;
      text-align: start;
    }
    [part~='conflict'] {
      border: 2px solid var(--_pk-accent);
      background: var(--_pk-subtle);
      border-radius: var(--_pk-radius);
      padding: var(--_pk-space);
    }
    [part~='conflict'] p {
      margin: 0 0 0.5rem;
    }
    [part~='error-summary']:focus-visible,
    [part~='conflict']:focus-visible,
    button:focus-visible {
      outline: none;
      box-shadow: var(--_pk-focus);
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin-block-start: var(--_pk-space);
    }
    [part~='button'] {
      ${buttonLook}
    }
    [part~='button'][data-variant='primary'] {
      ${primaryButtonLook}
    }
    [part~='identities'] {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: 0.4rem;
    }
    [part~='identity'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.75rem;
      padding: 0.5rem 0.65rem;
      border: 1px solid var(--_pk-border);
      border-radius: var(--_pk-radius);
    }
    [part~='identity-provider'] {
      font-weight: 600;
    }
    [part~='identity-linked'] {
      color: var(--_pk-muted);
    }
    ::slotted([slot='profile']),
    ::slotted([slot='password']) {
      display: block;
    }
  `,
];
