import { msg, str } from '@lit/localize';
import type { ApiRow, PortalClient, SchemaColumn, TableClient, TableSchema } from '@portalkit/sdk';
import { html, nothing } from 'lit';
import type { ReactiveControllerHost, TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import '../field/field.js';
import type { RowActionDetail, RowEventDetail } from './entity-list.component.js';
import { formColumns } from './form-columns.js';
import type { FormMode } from './form-columns.js';
import { loadLookupOptions } from './lookup-options.js';
import { errorMessage, writeErrorMessages } from './messages.js';
import { changedValues, isEditable, readRowForm, renderRowFields } from './row-form.js';
import type { LookupOption } from './row-form.js';
import { rowLabel } from './row-label.js';
import { failureStatus, fieldProblems, splitByField } from '../../internal/request-failure.js';

interface FormDialog {
  readonly kind: 'form';
  readonly mode: FormMode;
  /** The row being edited, as last read (its `_etag` goes into If-Match). */
  readonly row?: ApiRow | undefined;
  readonly loading: boolean;
  /** The row could not be read: no form, only the message. */
  readonly failed?: boolean;
  readonly busy: boolean;
  readonly errors: ReadonlyMap<string, string>;
  readonly messages: readonly string[];
  readonly conflict: boolean;
  readonly attempted?: Readonly<Record<string, unknown>> | undefined;
  readonly lookups: ReadonlyMap<string, readonly LookupOption[]>;
}

interface DeleteDialog {
  readonly kind: 'delete';
  readonly row: ApiRow;
  readonly busy: boolean;
  readonly messages: readonly string[];
  readonly conflict: boolean;
}

interface AssociateDialog {
  readonly kind: 'associate';
  readonly row: ApiRow;
  readonly busy: boolean;
  readonly errors: ReadonlyMap<string, string>;
  readonly messages: readonly string[];
  readonly lookups: ReadonlyMap<string, readonly LookupOption[]>;
  readonly column: string;
}

type DialogState = FormDialog | DeleteDialog | AssociateDialog;

/** The event a successful write fires. */
export type RowWriteEvent = 'pk-row-created' | 'pk-row-updated' | 'pk-row-deleted';

/**
 * What the dialog needs from `<pk-entity-list>`. Functions, not fields: the list's table, schema and
 * client change over its life, and the dialog must act on the current ones.
 */
export interface RowDialogHost {
  /** The element: the dialog renders inside its shadow root and re-renders with it. */
  readonly element: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  /** Unique per element, so ids do not collide with another list's dialog on the page. */
  readonly idPrefix: string;
  table(): string;
  schema(): TableSchema | undefined;
  client(): PortalClient | undefined;
  tableClient(): TableClient | undefined;
  /** Fires the cancelable `pk-row-action`; false when a listener cancelled the write. */
  allowed(detail: RowActionDetail): boolean;
  /** A write succeeded (the dialog is already closed): fire `event`, announce, reload the list. */
  written(event: RowWriteEvent, detail: RowEventDetail, announcement: string): void;
  /** The row changed or went away meanwhile: the list reloads. */
  reload(): void;
  /** Sets the list's status line. */
  announce(text: string): void;
}

/**
 * The create, edit, delete and associate dialog of `<pk-entity-list>`: its state, its `<dialog>` (which
 * the element renders in its own shadow root, so parts, styles and focus stay the element's), and the
 * writes it makes. A module of its own so a page that only lists rows never downloads it.
 */
export class RowDialog {
  readonly #host: RowDialogHost;
  #state: DialogState | undefined;
  /** The button that opened the dialog; focus goes back to it. */
  #trigger: HTMLElement | undefined;
  #restoreTo: 'trigger' | 'table' = 'trigger';

  constructor(host: RowDialogHost) {
    this.#host = host;
  }

  get #dialogElement(): HTMLDialogElement | null {
    return this.#host.element.renderRoot.querySelector('dialog');
  }

  get #dialog(): DialogState | undefined {
    return this.#state;
  }

  set #dialog(dialog: DialogState | undefined) {
    this.#state = dialog;
    this.#host.element.requestUpdate();
  }

  /** Create: an empty form of the columns the visitor may set. */
  openCreate(trigger: HTMLElement): void {
    const schema = this.#host.schema();
    if (!schema) return;
    this.#trigger = trigger;
    const lookups = this.#lookupsFor(formColumns(schema, 'create').filter((column) => column.create));
    void this.#open({ kind: 'form', mode: 'create', loading: false, busy: false, errors: new Map(), messages: [], conflict: false, lookups: new Map() }).then(() =>
      lookups.then((loaded) => this.#patchDialog('form', { lookups: loaded })),
    );
  }

  /** Edit, Delete or Associate for one row, from the button pressed in it. */
  openForRow(action: 'edit' | 'delete' | 'associate', row: ApiRow, trigger: HTMLElement): void {
    this.#trigger = trigger;
    switch (action) {
      case 'edit':
        void this.#openEdit(row);
        break;
      case 'delete':
        this.#restoreTo = 'table';
        void this.#open({ kind: 'delete', row, busy: false, messages: [], conflict: false });
        break;
      case 'associate':
        void this.#openAssociate(row);
        break;
    }
  }

  render(): TemplateResult {
    return html`<dialog part="dialog" aria-labelledby=${`${this.#host.idPrefix}-dialog-title`} @cancel=${this.#onDialogCancel} @close=${this.#onDialogClose}>
      ${this.#renderContent()}
    </dialog>`;
  }

  #renderContent(): TemplateResult | typeof nothing {
    const dialog = this.#dialog;
    const schema = this.#host.schema();
    if (!dialog || !schema) return nothing;
    const id = this.#host.idPrefix;
    const titleId = `${id}-dialog-title`;
    const messages = dialog.messages.length > 0
      ? html`<div part="form-error" class="form-error" role="alert">${dialog.messages.map((message) => html`<p>${message}</p>`)}</div>`
      : nothing;
    const buttons = (submit: string, busyText: string, danger = false): TemplateResult => html`<pk-field actions>
      <button type="submit" data-variant="primary" class=${danger ? 'danger' : ''} ?disabled=${dialog.busy}>${dialog.busy ? busyText : submit}</button>
      <button type="button" data-action="cancel" @click=${this.#closeDialog}>${msg('Cancel', { id: 'entity-list.cancel' })}</button>
    </pk-field>`;
    const saving = msg('Saving…', { id: 'entity-list.saving' });

    if (dialog.kind === 'delete') {
      return html`<form part="form" method="dialog" @submit=${this.#onDeleteSubmit}>
        <h2 id=${titleId}>${msg('Delete row', { id: 'entity-list.delete.title' })}</h2>
        ${dialog.conflict ? html`<p part="conflict" class="conflict" role="alert">${msg('The row changed since it was loaded. Check it and confirm again.', { id: 'entity-list.delete.conflict' })}</p>` : nothing}
        <p>${msg(str`Delete "${rowLabel(dialog.row)}"? This cannot be undone.`, { id: 'entity-list.delete.confirm' })}</p>
        ${messages}
        ${buttons(msg('Delete', { id: 'entity-list.delete' }), msg('Deleting…', { id: 'entity-list.deleting' }), true)}
      </form>`;
    }

    if (dialog.kind === 'associate') {
      const lookups = schema.columns.filter((column) => column.type === 'lookup');
      const selected = lookups.find((column) => column.name === dialog.column) ?? lookups[0];
      const options = selected ? dialog.lookups.get(selected.name) : undefined;
      const targetId = `${id}-associate-target`;
      const targetError = dialog.errors.get('target');
      return html`<form part="form" method="dialog" novalidate @submit=${this.#onAssociateSubmit}>
        <h2 id=${titleId}>${msg(str`Associate "${rowLabel(dialog.row)}"`, { id: 'entity-list.associate.title' })}</h2>
        ${messages}
        <pk-field part="field" ?invalid=${dialog.errors.has('column')}>
          <label slot="label" for=${`${id}-associate-column`}>${msg('Relationship', { id: 'entity-list.associate.column' })}</label>
          <select id=${`${id}-associate-column`} name="column" @change=${this.#onAssociateColumn}>
            ${lookups.map((column) => html`<option value=${column.name} ?selected=${column === selected}>${column.displayName}</option>`)}
          </select>
          ${dialog.errors.has('column') ? html`<span slot="error">${dialog.errors.get('column')}</span>` : nothing}
        </pk-field>
        <pk-field part="field" ?invalid=${targetError !== undefined}>
          <label slot="label" for=${targetId}>${msg('Related row', { id: 'entity-list.associate.target' })}</label>
          ${options
            ? html`<select id=${targetId} name="target" required aria-describedby=${targetError ? `${targetId}-error` : nothing}>
                ${options.map((option) => html`<option value=${option.value} ?selected=${option.value === String(dialog.row[selected?.name ?? ''] ?? '')}>${option.label}</option>`)}
              </select>`
            : html`<input id=${targetId} name="target" type="text" required autocomplete="off" spellcheck="false" maxlength="100"
                aria-describedby=${targetError ? `${targetId}-error` : nothing} .value=${String(dialog.row[selected?.name ?? ''] ?? '')} />`}
          ${targetError ? html`<span slot="error" id=${`${targetId}-error`}>${targetError}</span>` : nothing}
        </pk-field>
        ${buttons(msg('Associate', { id: 'entity-list.associate' }), saving)}
      </form>`;
    }

    const columns = formColumns(schema, dialog.mode);
    const title = dialog.mode === 'create' ? msg('Create row', { id: 'entity-list.create.title' }) : msg('Edit row', { id: 'entity-list.edit.title' });
    return html`<form part="form" method="dialog" @submit=${this.#onFormSubmit}>
      <h2 id=${titleId}>${title}</h2>
      ${dialog.conflict
        ? html`<p part="conflict" class="conflict" role="alert">
            ${msg('Someone changed this row while you were editing it. The form now shows the newest values: check them and save again.', { id: 'entity-list.conflict' })}
          </p>`
        : nothing}
      ${messages}
      ${dialog.failed
        ? nothing
        : dialog.loading
        ? html`<p role="status">${msg('Loading…', { id: 'entity-list.loading-form' })}</p>`
        : keyed(
            dialog.row?._etag ?? 'new',
            html`<div class="fields">
              ${renderRowFields({
                columns,
                mode: dialog.mode,
                values: dialog.row ?? {},
                errors: dialog.errors,
                attempted: dialog.attempted,
                lookups: dialog.lookups,
                idPrefix: `${id}-field`,
                labels: {
                  none: msg('None', { id: 'entity-list.none' }),
                  yourValue: (value) => msg(str`Your value: ${value}`, { id: 'entity-list.your-value' }),
                  lookupHint: (table) => msg(str`The id of a row of the ${table} table.`, { id: 'entity-list.lookup-hint' }),
                },
              })}
            </div>`,
          )}
      ${buttons(msg('Save', { id: 'entity-list.save' }), saving)}
    </form>`;
  }

  async #openEdit(row: ApiRow): Promise<void> {
    const table = this.#host.tableClient();
    const schema = this.#host.schema();
    if (!table || !schema) return;
    await this.#open({ kind: 'form', mode: 'edit', row, loading: true, busy: false, errors: new Map(), messages: [], conflict: false, lookups: new Map() });
    // The list may show only some columns: the form needs the whole row, and its newest ETag.
    const [fresh, lookups] = await Promise.all([
      table.get(row.id).catch((error: unknown) => error),
      this.#lookupsFor(formColumns(schema, 'edit').filter((column) => column.update)),
    ]);
    if (this.#dialog?.kind !== 'form' || this.#dialog.row?.id !== row.id) return;
    if (fresh instanceof Error || !isRow(fresh)) {
      this.#patchDialog('form', { loading: false, failed: true, messages: [errorMessage(fresh, 'write')] });
      if (failureStatus(fresh) === 404) this.#host.reload();
      return;
    }
    this.#patchDialog('form', { loading: false, row: fresh, lookups });
    await this.#host.element.updateComplete;
    this.#focusFirstField();
  }

  async #openAssociate(row: ApiRow): Promise<void> {
    const schema = this.#host.schema();
    if (!schema) return;
    const lookups = schema.columns.filter((column) => column.type === 'lookup');
    const first = lookups[0];
    if (!first) return;
    await this.#open({ kind: 'associate', row, busy: false, errors: new Map(), messages: [], column: first.name, lookups: new Map() });
    const loaded = await this.#lookupsFor(lookups);
    this.#patchDialog('associate', { lookups: loaded });
  }

  readonly #onAssociateColumn = (event: Event): void => {
    this.#patchDialog('associate', { column: (event.currentTarget as HTMLSelectElement).value, errors: new Map() });
  };

  #lookupsFor(columns: readonly SchemaColumn[]): Promise<Map<string, LookupOption[]>> {
    const client = this.#host.client();
    return client ? loadLookupOptions(client, columns) : Promise.resolve(new Map());
  }

  async #open(dialog: DialogState): Promise<void> {
    if (dialog.kind !== 'delete') this.#restoreTo = 'trigger';
    this.#dialog = dialog;
    this.#host.announce('');
    await this.#host.element.updateComplete;
    const element = this.#dialogElement;
    if (element && !element.open) element.showModal();
    this.#focusFirstField();
  }

  #focusFirstField(): void {
    const form = this.#dialogElement?.querySelector('form');
    const first = form?.querySelector<HTMLElement>('input:not([readonly]):not([disabled]), select:not([disabled]), textarea:not([readonly])')
      ?? form?.querySelector<HTMLElement>('button[type="submit"]');
    first?.focus();
  }

  #patchDialog<K extends DialogState['kind']>(kind: K, patch: Partial<Extract<DialogState, { kind: K }>>): void {
    if (this.#dialog?.kind !== kind) return;
    this.#dialog = { ...this.#dialog, ...patch } as DialogState;
  }

  readonly #closeDialog = (): void => {
    const element = this.#dialogElement;
    if (element?.open) element.close();
    this.#afterClose();
  };

  readonly #onDialogCancel = (event: Event): void => {
    // Escape while a write is in flight would hide its outcome.
    if (this.#dialog?.busy) event.preventDefault();
  };

  /** Escape closes the dialog natively; the `close` event comes a task later, possibly after it was reopened. */
  readonly #onDialogClose = (): void => {
    if (this.#dialogElement?.open) return;
    this.#afterClose();
  };

  #afterClose(): void {
    if (!this.#dialog) return;
    this.#dialog = undefined;
    const trigger = this.#trigger;
    this.#trigger = undefined;
    if (this.#restoreTo === 'trigger' && trigger?.isConnected && !(trigger as HTMLButtonElement).disabled) {
      trigger.focus();
      return;
    }
    // The row went away (or its button did): the table, else the toolbar, keeps the visitor's place.
    const root = this.#host.element.renderRoot;
    void this.#host.element.updateComplete.then(() => {
      const place = ['.table-wrap', '[part="create-button"]', '[part="search"]'].map((selector) => root.querySelector<HTMLElement>(selector)).find(Boolean);
      place?.focus();
    });
  }

  readonly #onFormSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const dialog = this.#dialog;
    const schema = this.#host.schema();
    const table = this.#host.tableClient();
    if (dialog?.kind !== 'form' || dialog.busy || dialog.loading || dialog.failed || !schema || !table) return;
    const form = event.currentTarget as HTMLFormElement;
    const columns = formColumns(schema, dialog.mode);
    const values = readRowForm(form, columns, dialog.mode);
    const original = dialog.row;
    if (dialog.mode === 'edit' && original) {
      const patch = changedValues(columns.filter((column) => isEditable(column, 'edit')), values, original);
      if (Object.keys(patch).length === 0) {
        this.#closeDialog();
        return;
      }
      if (!this.#host.allowed({ action: 'update', table: this.#host.table(), row: original, values: patch })) return;
      this.#patchDialog('form', { busy: true, messages: [], errors: new Map() });
      try {
        const row = await table.update(original.id, patch, { etag: original._etag });
        this.#finishWrite('pk-row-updated', row, msg('Row saved.', { id: 'entity-list.updated' }));
      } catch (error) {
        if (failureStatus(error) === 412) await this.#showConflict(table, original, values);
        else this.#showWriteError(error, columns);
      }
      return;
    }
    if (!this.#host.allowed({ action: 'create', table: this.#host.table(), values })) return;
    this.#patchDialog('form', { busy: true, messages: [], errors: new Map() });
    try {
      const row = await table.create(values);
      this.#finishWrite('pk-row-created', row, msg('Row created.', { id: 'entity-list.created' }));
    } catch (error) {
      this.#showWriteError(error, columns);
    }
  };

  readonly #onDeleteSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const dialog = this.#dialog;
    const table = this.#host.tableClient();
    if (dialog?.kind !== 'delete' || dialog.busy || !table) return;
    if (!this.#host.allowed({ action: 'delete', table: this.#host.table(), row: dialog.row })) return;
    this.#patchDialog('delete', { busy: true, messages: [] });
    try {
      await table.delete(dialog.row.id, { etag: dialog.row._etag });
      this.#finishWrite('pk-row-deleted', dialog.row, msg('Row deleted.', { id: 'entity-list.deleted' }));
    } catch (error) {
      if (failureStatus(error) === 412) {
        const fresh = await table.get(dialog.row.id).catch(() => undefined);
        if (fresh) {
          this.#patchDialog('delete', { busy: false, conflict: true, row: fresh });
          this.#host.reload();
          return;
        }
      }
      this.#patchDialog('delete', { busy: false, messages: writeErrorMessages(error) });
      if (failureStatus(error) === 404) this.#host.reload();
    }
  };

  readonly #onAssociateSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const dialog = this.#dialog;
    const table = this.#host.tableClient();
    if (dialog?.kind !== 'associate' || dialog.busy || !table) return;
    const form = event.currentTarget as HTMLFormElement;
    const column = (form.elements.namedItem('column') as HTMLSelectElement | null)?.value ?? dialog.column;
    const target = ((form.elements.namedItem('target') as HTMLInputElement | HTMLSelectElement | null)?.value ?? '').trim();
    if (target === '') {
      this.#patchDialog('associate', { errors: new Map([['target', msg('Choose a row.', { id: 'entity-list.associate.required' })]]) });
      return;
    }
    if (!this.#host.allowed({ action: 'associate', table: this.#host.table(), row: dialog.row, values: { column, target } })) return;
    this.#patchDialog('associate', { busy: true, messages: [], errors: new Map() });
    try {
      const row = await table.associate(dialog.row.id, { column, target });
      this.#finishWrite('pk-row-updated', row, msg('Row saved.', { id: 'entity-list.updated' }));
    } catch (error) {
      const { byField, other } = splitByField(fieldProblems(error), new Set(['column', 'target']));
      this.#patchDialog('associate', { busy: false, errors: byField, messages: byField.size > 0 || other.length > 0 ? other : writeErrorMessages(error) });
    }
  };

  #finishWrite(event: RowWriteEvent, row: ApiRow, announcement: string): void {
    this.#closeDialog();
    this.#host.written(event, { table: this.#host.table(), row }, announcement);
  }

  /** 412: the form takes the row's newest values (and ETag); what the visitor entered is shown beside each field that differs. */
  async #showConflict(table: TableClient, original: ApiRow, attempted: Record<string, unknown>): Promise<void> {
    let fresh: ApiRow | undefined;
    try {
      fresh = await table.get(original.id);
    } catch (error) {
      this.#patchDialog('form', { busy: false, messages: writeErrorMessages(error) });
      if (failureStatus(error) === 404) this.#host.reload();
      return;
    }
    this.#patchDialog('form', { busy: false, conflict: true, row: fresh, attempted, errors: new Map(), messages: [] });
    this.#host.reload();
    await this.#host.element.updateComplete;
    this.#focusFirstField();
  }

  #showWriteError(error: unknown, columns: readonly SchemaColumn[]): void {
    const { byField, other } = splitByField(fieldProblems(error), new Set(columns.map((column) => column.name)));
    const messages = byField.size > 0 || other.length > 0 ? other : writeErrorMessages(error);
    this.#patchDialog('form', { busy: false, errors: byField, messages: byField.size > 0 && messages.length === 0 ? [msg('Some fields need attention.', { id: 'entity-list.invalid' })] : messages });
    void this.#host.element.updateComplete.then(() => {
      const invalid = this.#dialogElement?.querySelector<HTMLElement>('[aria-invalid="true"]');
      invalid?.focus();
    });
  }
}

function isRow(value: unknown): value is ApiRow {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}
