import { css } from 'lit';
import { buttonLook, primaryButtonLook } from '../../styles/button.styles.js';
import { tokens, visuallyHidden } from '../../styles/tokens.styles.js';

export const entityListStyles = [
  tokens,
  visuallyHidden,
  css`
    :host {
      display: block;
    }
    .base {
      display: grid;
      gap: var(--_pk-space);
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_pk-space);
      align-items: end;
      justify-content: space-between;
    }
    .search {
      display: grid;
      gap: 0.25rem;
      flex: 1 1 16rem;
      max-width: 24rem;
    }
    .search label {
      font-weight: 600;
      font-size: 0.95em;
    }
    input[type='search'] {
      font: inherit;
      padding: 0.5rem 0.65rem;
      color: var(--_pk-text);
      background: var(--_pk-surface);
      border: 1px solid var(--_pk-border);
      border-radius: var(--_pk-radius);
    }
    button {
      ${buttonLook}
      /* Denser than the forms' buttons: they sit in table rows. */
      padding: 0.4rem 0.85rem;
    }
    button.primary {
      ${primaryButtonLook}
    }
    button.danger:not(:disabled) {
      color: var(--_pk-danger);
      border-color: var(--_pk-danger);
    }
    button:disabled {
      opacity: 0.55;
      cursor: not-allowed;
    }
    /* Downloading the dialog on first use: still focusable, so not disabled. */
    button[aria-busy='true'] {
      cursor: progress;
      opacity: 0.75;
    }
    :focus-visible {
      outline: none;
      box-shadow: var(--_pk-focus);
    }
    .status:empty {
      display: none;
    }
    .status,
    .empty {
      margin: 0;
      color: var(--_pk-muted);
    }
    .error {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_pk-space);
      align-items: center;
      color: var(--_pk-danger);
    }
    .table-wrap {
      overflow: auto;
      max-height: var(--pk-entity-list-max-height, none);
      border: 1px solid var(--_pk-border);
      border-radius: var(--_pk-radius);
      background: var(--_pk-surface);
      /* Layout and paint of thousands of rows stay inside the box. */
      contain: layout paint;
    }
    /*
     * The table is laid out as a grid with one template for every row, so rows never measure each other,
     * and rows off screen skip layout and paint (content-visibility) however many are loaded. The explicit
     * ARIA roles keep the table semantics browsers may drop when a table's display changes.
     */
    table {
      display: block;
      width: 100%;
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    thead {
      display: block;
      position: sticky;
      top: 0;
      z-index: 1;
      background: var(--_pk-subtle);
    }
    tbody {
      display: block;
    }
    tr {
      display: grid;
      grid-template-columns: var(--pk-entity-list-columns, repeat(var(--_pk-columns, 1), minmax(0, 1fr)));
    }
    /* A fixed width, the same in every row and in the header: rows are laid out independently. */
    table.has-actions tr {
      grid-template-columns:
        var(--pk-entity-list-columns, repeat(var(--_pk-columns, 1), minmax(0, 1fr)))
        var(--pk-entity-list-actions-width, calc(var(--_pk-actions, 2) * 7em + 1.4rem));
    }
    tbody tr {
      content-visibility: auto;
      contain-intrinsic-size: auto 2.6rem;
    }
    th,
    td {
      display: block;
      padding: 0.45rem 0.7rem;
      text-align: start;
      border-bottom: 1px solid var(--_pk-border);
      overflow-wrap: anywhere;
    }
    thead th {
      font-weight: 600;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    tbody th {
      font-weight: 600;
    }
    :host([status='loading']) tbody {
      opacity: 0.6;
    }
    tbody tr:hover {
      background: var(--_pk-subtle);
    }
    tbody tr:last-child > * {
      border-bottom: none;
    }
    button.sort {
      display: inline-flex;
      gap: 0.35rem;
      align-items: center;
      padding: 0.1rem 0.3rem;
      margin: -0.1rem -0.3rem;
      border: none;
      background: none;
      font-weight: 600;
    }
    .arrow {
      color: var(--_pk-muted);
      font-size: 0.8em;
    }
    td.actions {
      white-space: nowrap;
    }
    td.actions button + button {
      margin-inline-start: 0.35rem;
    }
    .pagination {
      display: flex;
      gap: var(--_pk-space);
      align-items: center;
      justify-content: flex-end;
    }
    dialog {
      width: min(36rem, calc(100vw - 2rem));
      max-height: calc(100vh - 2rem);
      padding: calc(var(--_pk-space) * 1.5);
      color: var(--_pk-text);
      background: var(--_pk-surface);
      border: 1px solid var(--_pk-border);
      border-radius: var(--_pk-radius);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 0.4);
    }
    dialog h2 {
      margin: 0 0 var(--_pk-space);
      font-size: 1.2em;
    }
    .conflict,
    .form-error {
      margin: 0 0 var(--_pk-space);
      padding: 0.5rem 0.75rem;
      border-radius: var(--_pk-radius);
      border: 1px solid var(--_pk-danger);
      color: var(--_pk-danger);
    }
    .form-error p {
      margin: 0;
    }
  `,
];
