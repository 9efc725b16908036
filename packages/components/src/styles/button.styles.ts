import { css } from 'lit';

/**
 * How every PortalKit button looks, as declarations: each element puts them under its own selector
 * (`::slotted(button)` in `<pk-field>`, `button` or a part in a shadow root), since the buttons live in
 * different trees. Reads the private `--_pk-*` tokens of `tokens`.
 */
export const buttonLook = css`
  font: inherit;
  padding: 0.55rem 1rem;
  border-radius: var(--_pk-radius);
  border: 1px solid var(--_pk-border);
  background: var(--_pk-surface);
  color: var(--_pk-text);
  cursor: pointer;
`;

/** The primary (filled, accent) variant, on top of {@link buttonLook}. */
export const primaryButtonLook = css`
  background: var(--_pk-accent);
  border-color: var(--_pk-accent);
  color: var(--_pk-on-accent);
  font-weight: 600;
`;
