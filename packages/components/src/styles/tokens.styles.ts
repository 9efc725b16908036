import { css } from 'lit';

/**
 * The design tokens every element reads. Each `--pk-*` custom property can be set by the page (on
 * `:root`, on a container, or on one element); the fallbacks follow the page's `color-scheme`
 * (`light-dark()`), so a page that declares `color-scheme: dark` gets the dark palette.
 */
export const tokens = css`
  :host {
    --_pk-font: var(--pk-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_pk-text: var(--pk-color-text, light-dark(#1b1b1f, #ececf1));
    --_pk-muted: var(--pk-color-muted, light-dark(#5c5f66, #a4a7b0));
    --_pk-surface: var(--pk-color-surface, light-dark(#ffffff, #1d1e22));
    --_pk-subtle: var(--pk-color-subtle, light-dark(#f4f5f7, #2a2b31));
    --_pk-border: var(--pk-color-border, light-dark(#c9ccd3, #4a4d57));
    --_pk-accent: var(--pk-color-accent, light-dark(#0b5cad, #7cb7ff));
    --_pk-on-accent: var(--pk-color-on-accent, light-dark(#ffffff, #0d1a2b));
    --_pk-danger: var(--pk-color-danger, light-dark(#b3261e, #ffb4ab));
    --_pk-success: var(--pk-color-success, light-dark(#1e6b35, #8fd6a0));
    --_pk-focus: var(--pk-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_pk-accent) 45%, transparent));
    --_pk-radius: var(--pk-radius, 6px);
    --_pk-space: var(--pk-space, 0.75rem);
    font-family: var(--_pk-font);
    color: var(--_pk-text);
  }
  [hidden] {
    display: none !important;
  }
`;

/** Visually hidden but announced (live regions, labels only screen readers need). */
export const visuallyHidden = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
