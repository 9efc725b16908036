import { css } from 'lit';

export const protectedStyles = css`
  :host {
    display: contents;
  }
`;
