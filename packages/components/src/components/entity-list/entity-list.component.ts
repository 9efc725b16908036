import { msg, str } from '@lit/localize';
import type { ApiRow, PortalState, SchemaColumn, TableClient, TableSchema } from '@portalkit/sdk';
import { html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { cssProperties } from '../../internal/css-properties.js';
import { PortalElement } from '../../internal/portal-element.js';
import { cellText } from './cell-text.js';
import { entityListStyles } from './entity-list.styles.js';
import { formColumns } from './form-columns.js';
import { loadRowDialog } from './load-row-dialog.js';
import { errorMessage } from './messages.js';
import { DEFAULT_PAGE_SIZE, ListPosition, pageSizeOf, parseSortKey } from './query-state.js';
// Types only: the dialog's code is imported on first use (see #withDialog).
import type { RowDialog, RowDialogHost } from './row-dialog.js';
import { rowLabel } from './row-label.js';
import { rowTemplate } from './row-template.js';
import type { RowButton } from './row-template.js';
import { failureStatus } from '../../internal/request-failure.js';

/** Where the list stands; reflected as the `status` attribute for styling. */
export type EntityListStatus = 'loading' | 'ready' | 'empty' | 'error';

/** A write the list is about to make: the detail of the cancelable `pk-row-action`. */
export interface RowActionDetail {
  readonly action: 'create' | 'update' | 'delete' | 'associate';
  readonly table: string;
  /** The row as read (absent for create). */
  readonly row?: ApiRow;
  /** What will be sent: the new row's values, the changed columns, or `{ column, target }`. */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** The detail of `pk-row-created`, `pk-row-updated` and `pk-row-deleted`. */
export interface RowEventDetail {
  readonly table: string;
  /** The row as the server returned it (for a delete: as it was last read). */
  readonly row: ApiRow;
}

const SYSTEM_COLUMNS: ReadonlySet<string> = new Set(['id', 'createdon', 'modifiedon']);
const SEARCH_DEBOUNCE_MS = 300;

/** `searchable="off"` (or `false`) turns search off; present, empty or absent leaves it on. */
const onOff = {
  fromAttribute: (value: string | null): boolean => value === null || !/^(off|false|no)$/i.test(value.trim()),
  toAttribute: (value: boolean): string => (value ? 'on' : 'off'),
};

let instances = 0;

/**
 * The rows of one data table the visitor may read, a page at a time: keyset paging (Previous / Next),
 * sortable column headers, search over the table's searchable columns, and Create, Edit, Delete and
 * Associate actions shown and enabled by the visitor's table privileges and each row's `_actions`.
 * Create and Edit open a form generated from the table's schema (`GET /api/schema/:table`, only the
 * columns the visitor may read; the ones they may not set are read-only or absent). Updates and deletes
 * send the row's ETag: when someone changed the row meanwhile, the form shows the newer values and the
 * visitor saves again. The list reloads after each write and whenever the visitor's permissions change.
 * The dialog's code is downloaded the first time one of these buttons is pressed (the button is
 * `aria-busy` meanwhile), so a page that only lists rows never fetches it.
 *
 * Every value is rendered as text: markup and `javascript:` URLs in row data stay inert. The buttons
 * are a convenience; the server enforces the same permissions on every request.
 *
 * @summary A table's rows with paging, sorting, search and permission-aware editing.
 * @csspart base - The element's box.
 * @csspart toolbar - The row of search and Create.
 * @csspart search - The search input.
 * @csspart create-button - The Create button.
 * @csspart status - The status line (loading, empty, announcements).
 * @csspart error - The error message with its Retry button.
 * @csspart retry-button - The Retry button.
 * @csspart table-wrapper - The scrolling box around the table.
 * @csspart table - The `<table>`.
 * @csspart header - A column header cell.
 * @csspart sort-button - The button in a sortable column header.
 * @csspart row - A row.
 * @csspart cell - A cell (the first of each row is a row header).
 * @csspart row-actions - The cell with a row's action buttons.
 * @csspart action-button - Edit, Delete and Associate buttons.
 * @csspart empty - The message when there are no rows.
 * @csspart pagination - Previous, page number and Next.
 * @csspart dialog - The `<dialog>` of the create, edit, delete and associate forms.
 * @csspart form - The form in the dialog.
 * @csspart field - One field of the form (a `<pk-field>`).
 * @csspart conflict - The message that the row changed meanwhile.
 * @csspart form-error - Messages about the form as a whole.
 * @cssprop --pk-color-border - Table rules and control borders.
 * @cssprop --pk-color-subtle - Header and hovered row background.
 * @cssprop --pk-color-accent - Primary buttons and focus ring.
 * @cssprop --pk-color-danger - Errors and the Delete confirmation.
 * @cssprop --pk-color-surface - Table and dialog background.
 * @cssprop --pk-radius - Corner radius.
 * @cssprop --pk-space - Spacing unit.
 * @cssprop --pk-entity-list-max-height - Height after which the table scrolls (default none).
 * @cssprop --pk-entity-list-columns - The data columns' `grid-template-columns` (default: equal shares).
 * @cssprop --pk-entity-list-actions-width - Width of the actions column (default: 7em per button).
 * @fires pk-row-action - Before each write; cancelable (`detail`: `{ action, table, row?, values? }`). Cancel to stop the write.
 * @fires pk-row-created - A row was created (`detail`: `{ table, row }`).
 * @fires pk-row-updated - A row was changed or associated (`detail`: `{ table, row }`).
 * @fires pk-row-deleted - A row was deleted (`detail`: `{ table, row }`, the row as last read).
 */
export class PkEntityList extends PortalElement {
  static override styles = entityListStyles;

  /** The data table's name, e.g. `incident`. */
  @property({ reflect: true }) table = '';

  /** Columns to show, space-separated (e.g. `title status`); default: every column the visitor may read. */
  @property() columns: string | null = null;

  /** Rows per page, 1 to 500 (default 20). */
  @property({ attribute: 'page-size', type: Number }) pageSize = DEFAULT_PAGE_SIZE;

  /** Shows the search box when the table has searchable columns; `searchable="off"` hides it. */
  @property({ converter: onOff }) searchable = true;

  /** The initial sort, `column` or `column desc` (default: newest first). */
  @property({ attribute: 'order-by' }) orderBy: string | null = null;

  /** Where the list stands (`loading`, `ready`, `empty`, `error`). Read-only. */
  @property({ reflect: true }) status: EntityListStatus = 'loading';

  @state() private _schema: TableSchema | undefined;
  @state() private _rows: readonly ApiRow[] = [];
  @state() private _error: unknown;
  @state() private _announcement = '';

  readonly #position = new ListPosition();
  readonly #id = `pk-entity-list-${++instances}`;
  /** Each load gets a number; an answer to an older load is dropped. */
  #generation = 0;
  #loading = false;
  #schemaStale = true;
  #sortApplied = false;
  #queued: Promise<void> | undefined;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The create/edit/delete/associate dialog, once its module has loaded. */
  #dialog: RowDialog | undefined;
  #dialogLoading = false;
  /** Who the rows were loaded for, and through which client (see portalStateChanged). */
  #visitor = '';
  #loadedClient: unknown;
  /** The search box's text as typed (the query uses it trimmed). */
  #searchText = '';

  /** Loads the schema and the page on screen again. */
  async reload(): Promise<void> {
    this.#schemaStale = true;
    await this.#load();
  }

  protected override portalStateChanged(state: PortalState): void {
    if (state.status === 'loading') return;
    // Another visitor or other roles: columns, privileges and rows may all differ now. (A revalidation
    // error alone changes nothing the list shows.)
    const client = this.portal.client;
    const visitor = JSON.stringify([state.status, state.status === 'signedIn' ? state.contact.id : '', state.roles, client?.rights?.document ?? null]);
    if (visitor === this.#visitor && client === this.#loadedClient) return;
    this.#visitor = visitor;
    this.#loadedClient = client;
    this.#queueLoad(true);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('table')) {
      this._schema = undefined;
      this._rows = [];
      this.#sortApplied = false;
      this.#position.sort = undefined;
      this.#position.search = '';
      this.#searchText = '';
      this.#position.restart();
      this.#queueLoad(true);
    } else if (changed.has('orderBy')) {
      this.#sortApplied = false;
      this.#position.restart();
      this.#queueLoad(false);
    } else if (changed.has('pageSize') || changed.has('columns')) {
      this.#position.restart();
      this.#queueLoad(false);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#searchTimer);
  }

  protected override render(): TemplateResult {
    const schema = this._schema;
    const columns = this.#visibleColumns();
    const canCreate = schema !== undefined && this.portal.client?.can('create', this.table) === true && formColumns(schema, 'create').length > 0;
    const searchable = this.searchable && schema?.columns.some((column) => column.searchable) === true;
    return html`
      <div part="base" class="base" aria-busy=${this.status === 'loading' ? 'true' : 'false'}>
        ${searchable || canCreate
          ? html`<div part="toolbar" class="toolbar">
              ${searchable
                ? html`<div class="search">
                    <label for=${`${this.#id}-search`}>${msg('Search', { id: 'entity-list.search' })}</label>
                    <input id=${`${this.#id}-search`} part="search" type="search" autocomplete="off" maxlength="200"
                      .value=${this.#searchText} @input=${this.#onSearchInput} @keydown=${this.#onSearchKeydown} />
                  </div>`
                : nothing}
              ${canCreate
                ? html`<button part="create-button" class="primary" type="button" data-action="create" @click=${this.#onCreate}>
                    ${msg('Create', { id: 'entity-list.create' })}
                  </button>`
                : nothing}
            </div>`
          : nothing}
        <p part="status" class="status" role="status">${this.#statusText()}</p>
        ${this.status === 'error'
          ? html`<div part="error" class="error" role="alert">
              <span>${errorMessage(this._error, 'list')}</span>
              <button part="retry-button" type="button" @click=${this.#onRetry}>${msg('Retry', { id: 'entity-list.retry' })}</button>
            </div>`
          : nothing}
        ${schema && this._rows.length > 0 ? this.#renderTable(schema, columns) : nothing}
        ${this.status === 'empty' ? html`<p part="empty" class="empty">${this.#emptyText()}</p>` : nothing}
        ${schema && (this.#position.hasPrevious || this.#position.hasNext)
          ? html`<nav part="pagination" class="pagination" aria-label=${msg('Pages', { id: 'entity-list.pages' })}>
              <button type="button" data-page="previous" ?disabled=${!this.#position.hasPrevious} @click=${this.#onPrevious}>
                ${msg('Previous', { id: 'entity-list.previous' })}
              </button>
              <span class="page" aria-current="page">${msg(str`Page ${this.#position.page}`, { id: 'entity-list.page' })}</span>
              <button type="button" data-page="next" ?disabled=${!this.#position.hasNext} @click=${this.#onNext}>
                ${msg('Next', { id: 'entity-list.next' })}
              </button>
            </nav>`
          : nothing}
        ${this.#dialog?.render() ?? nothing}
      </div>
    `;
  }

  #renderTable(schema: TableSchema, columns: readonly SchemaColumn[]): TemplateResult {
    const actions = this.#actionsShown(schema);
    const sort = this.#position.sort;
    const label = this.#tableLabel();
    // Looked up once per render, not once per row.
    const labels: RowLabels = {
      yes: msg('Yes', { id: 'entity-list.yes' }),
      no: msg('No', { id: 'entity-list.no' }),
      edit: msg('Edit', { id: 'entity-list.edit' }),
      associate: msg('Associate', { id: 'entity-list.associate' }),
      delete: msg('Delete', { id: 'entity-list.delete' }),
    };
    return html`<div part="table-wrapper" class="table-wrap" role="region" aria-label=${label} tabindex="0">
      <table part="table" role="table" class=${actions.any ? 'has-actions' : ''} ${cssProperties({ '--_pk-columns': String(Math.max(columns.length, 1)), '--_pk-actions': String(actions.count) })}>
        <caption class="visually-hidden">${label}</caption>
        <thead role="rowgroup">
          <tr role="row">
            ${columns.map((column) => {
              const sorted = sort?.column === column.name ? (sort.direction === 'asc' ? 'ascending' : 'descending') : column.sortable ? 'none' : undefined;
              return html`<th part="header" scope="col" role="columnheader" aria-sort=${sorted ?? nothing}>
                ${column.sortable
                  ? html`<button part="sort-button" class="sort" type="button" data-column=${column.name} @click=${this.#onSort}>
                      ${column.displayName}<span class="arrow" aria-hidden="true">${sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'}</span>
                    </button>`
                  : column.displayName}
              </th>`;
            })}
            ${actions.any ? html`<th part="header" class="actions" scope="col" role="columnheader"><span class="visually-hidden">${msg('Actions', { id: 'entity-list.actions' })}</span></th>` : nothing}
          </tr>
        </thead>
        <tbody role="rowgroup" @click=${this.#onRowClick}>
          ${repeat(this._rows, (row) => row.id, (row) => this.#renderRow(row, columns, actions, labels))}
        </tbody>
      </table>
    </div>`;
  }

  /** One row: text bindings only; the buttons carry data attributes and share one delegated listener. */
  #renderRow(row: ApiRow, columns: readonly SchemaColumn[], actions: ActionsShown, labels: RowLabels): TemplateResult {
    const texts = columns.length === 0 ? [''] : columns.map((column) => cellText(row[column.name], column, labels));
    if (!actions.any) return rowTemplate(row.id, texts, []);
    const name = rowLabel(row);
    const allowed = row._actions ?? [];
    const buttons: RowButton[] = [];
    if (actions.edit) buttons.push({ action: 'edit', disabled: !allowed.includes('write'), label: msg(str`Edit ${name}`, { id: 'entity-list.edit-row' }), text: labels.edit });
    if (actions.associate) buttons.push({ action: 'associate', disabled: !allowed.includes('append'), label: msg(str`Associate ${name}`, { id: 'entity-list.associate-row' }), text: labels.associate });
    if (actions.delete) buttons.push({ action: 'delete', disabled: !allowed.includes('delete'), label: msg(str`Delete ${name}`, { id: 'entity-list.delete-row' }), text: labels.delete });
    return rowTemplate(row.id, texts, buttons);
  }

  #statusText(): string {
    if (this._announcement) return this._announcement;
    if (this.status === 'loading') return msg('Loading rows…', { id: 'entity-list.loading' });
    return '';
  }

  #emptyText(): string {
    return this.#position.search !== ''
      ? msg('No rows match your search.', { id: 'entity-list.empty-search' })
      : msg('There are no rows to show.', { id: 'entity-list.empty' });
  }

  #tableLabel(): string {
    return msg(str`${this.table} rows, page ${this.#position.page}`, { id: 'entity-list.caption' });
  }

  /** The columns on screen: the `columns` attribute's readable ones in its order, else every readable declared column. */
  #visibleColumns(): SchemaColumn[] {
    const schema = this._schema;
    if (!schema) return [];
    const requested = (this.columns ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) return schema.columns.filter((column) => !SYSTEM_COLUMNS.has(column.name));
    const byName = new Map(schema.columns.map((column) => [column.name, column]));
    return requested.flatMap((name) => byName.get(name) ?? []);
  }

  #actionsShown(schema: TableSchema): ActionsShown {
    const edit = schema.privileges.write;
    const remove = schema.privileges.delete;
    const associate = schema.privileges.append && schema.columns.some((column) => column.type === 'lookup');
    return { edit, delete: remove, associate, any: edit || remove || associate, count: Number(edit) + Number(remove) + Number(associate) };
  }

  #tableClient(): TableClient | undefined {
    const client = this.portal.client;
    if (!client || client.state.status === 'loading' || !this.table) return undefined;
    return client.table(this.table);
  }

  #queueLoad(schema: boolean): void {
    if (schema) this.#schemaStale = true;
    this.#queued ??= Promise.resolve().then(() => {
      this.#queued = undefined;
      return this.#load();
    });
  }

  async #load(): Promise<void> {
    const generation = ++this.#generation;
    let tableClient: TableClient | undefined;
    try {
      tableClient = this.#tableClient();
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (!tableClient) return;
    this.#loading = true;
    this.status = 'loading';
    try {
      if (this.#schemaStale || !this._schema) {
        const schema = await tableClient.schema();
        if (generation !== this.#generation) return;
        this._schema = schema;
        this.#schemaStale = false;
      }
      this.#applyInitialSort();
      const select = this.#visibleColumns().map((column) => column.name);
      const page = await tableClient.list(this.#position.query(select, pageSizeOf(this.pageSize)));
      if (generation !== this.#generation) return;
      if (page.rows.length === 0 && this.#position.back()) {
        // The last row of a later page went away (deleted here or elsewhere): show the page before.
        this.#loading = false;
        return this.#load();
      }
      this.#position.next = page.nextCursor;
      this._rows = page.rows;
      this._error = undefined;
      this.status = page.rows.length === 0 ? 'empty' : 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#fail(error);
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  #fail(error: unknown): void {
    this._error = error;
    this._rows = [];
    this.#position.next = undefined;
    if (failureStatus(error) === 404) this._schema = undefined;
    this.status = 'error';
  }

  /** `order-by` applies once the schema says the column exists for this visitor. */
  #applyInitialSort(): void {
    if (this.#sortApplied || !this._schema) return;
    this.#sortApplied = true;
    const key = parseSortKey(this.orderBy);
    this.#position.sort = key && this._schema.columns.some((column) => column.name === key.column) ? key : undefined;
  }

  readonly #onRetry = (): void => {
    void this.reload();
  };

  readonly #onSort = (event: Event): void => {
    const column = (event.currentTarget as HTMLElement).dataset['column'];
    if (!column) return;
    this.#sortApplied = true;
    this.#position.cycleSort(column);
    this.#announce('');
    void this.#load();
  };

  readonly #onSearchInput = (event: Event): void => {
    const value = (event.currentTarget as HTMLInputElement).value;
    this.#searchText = value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#search(value), SEARCH_DEBOUNCE_MS);
  };

  readonly #onSearchKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    clearTimeout(this.#searchTimer);
    this.#searchText = (event.currentTarget as HTMLInputElement).value;
    this.#search(this.#searchText);
  };

  #search(text: string): void {
    if (this.#position.setSearch(text)) void this.#load();
  }

  readonly #onPrevious = (event: Event): void => {
    if (this.#loading || !this.#position.back()) return;
    void this.#page(event.currentTarget as HTMLButtonElement);
  };

  readonly #onNext = (event: Event): void => {
    if (this.#loading || !this.#position.forward()) return;
    void this.#page(event.currentTarget as HTMLButtonElement);
  };

  /** Loads the new page; if the button pressed is now disabled (first or last page), focus moves to the other one. */
  async #page(pressed: HTMLButtonElement): Promise<void> {
    await this.#load();
    await this.updateComplete;
    if (pressed.disabled) this.renderRoot.querySelector<HTMLButtonElement>('.pagination button:not([disabled])')?.focus();
  }

  readonly #onRowClick = (event: Event): void => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
    if (!button || button.disabled) return;
    const row = this._rows.find((candidate) => candidate.id === button.dataset['id']);
    const action = button.dataset['action'];
    if (!row || (action !== 'edit' && action !== 'delete' && action !== 'associate')) return;
    void this.#withDialog(button, (dialog) => dialog.openForRow(action, row, button));
  };

  readonly #onCreate = (event: Event): void => {
    const button = event.currentTarget as HTMLButtonElement;
    void this.#withDialog(button, (dialog) => dialog.openCreate(button));
  };

  /**
   * Runs `open` with the dialog, loading its module on first use. The pressed button is `aria-busy`
   * meanwhile (not disabled: focus stays on it); other presses wait for that load to finish.
   */
  async #withDialog(button: HTMLButtonElement, open: (dialog: RowDialog) => void): Promise<void> {
    if (this.#dialog) {
      open(this.#dialog);
      return;
    }
    if (this.#dialogLoading) return;
    this.#dialogLoading = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const { RowDialog } = await loadRowDialog();
      this.#dialog ??= new RowDialog(this.#dialogHost());
    } catch (error) {
      this.#failDialogLoad(error);
      return;
    } finally {
      this.#dialogLoading = false;
      button.removeAttribute('aria-busy');
    }
    this.requestUpdate();
    // While it loaded, the list may have moved on (another page, the row gone, rights lost).
    if (button.isConnected && !button.disabled) open(this.#dialog);
  }

  #dialogHost(): RowDialogHost {
    return {
      element: this,
      idPrefix: this.#id,
      table: () => this.table,
      schema: () => this._schema,
      client: () => this.portal.client,
      tableClient: () => this.#tableClient(),
      allowed: (detail) => !this.emit<RowActionDetail>('pk-row-action', detail, { cancelable: true }).defaultPrevented,
      written: (event, detail, announcement) => {
        this.emit<RowEventDetail>(event, detail, { cancelable: false });
        this.#announce(announcement);
        void this.#load();
      },
      reload: () => void this.#load(),
      announce: (text) => this.#announce(text),
    };
  }

  /**
   * The dialog's code could not be downloaded (offline, or the site was redeployed under the page): the
   * list's error with Retry, rows kept. It is a network failure for the visitor, so it gets that message;
   * Retry reloads the list and the next press downloads the dialog again.
   */
  #failDialogLoad(error: unknown): void {
    this._error = new DialogLoadError(error);
    this.status = 'error';
  }

  #announce(text: string): void {
    this._announcement = text;
  }
}

interface RowLabels {
  readonly yes: string;
  readonly no: string;
  readonly edit: string;
  readonly associate: string;
  readonly delete: string;
}

interface ActionsShown {
  readonly edit: boolean;
  readonly delete: boolean;
  readonly associate: boolean;
  readonly any: boolean;
  readonly count: number;
}

/** Read by `errorMessage` like an SDK NetworkError (status 0: no response). */
class DialogLoadError extends Error {
  readonly status = 0;

  constructor(cause: unknown) {
    super('The row dialog could not be loaded.', { cause });
    this.name = 'DialogLoadError';
  }
}
