import type { SchemaColumn } from '@portalkit/sdk';
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { FormMode } from './form-columns.js';

/** One choice of a lookup `<select>`: a readable row of the target table. */
export interface LookupOption {
  readonly value: string;
  readonly label: string;
}

/** Strings the form shows, localized by the element. */
export interface RowFormLabels {
  readonly none: string;
  readonly yourValue: (value: string) => string;
  readonly lookupHint: (table: string) => string;
}

export interface RowFormOptions {
  readonly columns: readonly SchemaColumn[];
  readonly mode: FormMode;
  /** The values the controls start with (the row as read, or empty for create). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Messages by column, shown next to the field. */
  readonly errors: ReadonlyMap<string, string>;
  /** After a conflict: what the visitor had entered, shown beside fields whose stored value differs. */
  readonly attempted?: Readonly<Record<string, unknown>> | undefined;
  /** Options for lookup columns whose target rows could be listed; others get a text input for the id. */
  readonly lookups: ReadonlyMap<string, readonly LookupOption[]>;
  /** Unique per element: ids must not collide with another list's form on the page. */
  readonly idPrefix: string;
  readonly labels: RowFormLabels;
}

export function isEditable(column: SchemaColumn, mode: FormMode): boolean {
  return mode === 'create' ? column.create : column.update;
}

/** The fields of a row form, one `<pk-field>` per column, controls typed by the column type. */
export function renderRowFields(options: RowFormOptions): TemplateResult[] {
  return options.columns.map((column) => renderField(column, options));
}

function renderField(column: SchemaColumn, options: RowFormOptions): TemplateResult {
  const id = `${options.idPrefix}-${column.name}`;
  const error = options.errors.get(column.name);
  const editable = isEditable(column, options.mode);
  const value = options.values[column.name];
  const attempted = options.attempted && Object.hasOwn(options.attempted, column.name) ? options.attempted[column.name] : undefined;
  const differs = attempted !== undefined && !sameValue(column, attempted, value);
  const lookupOptions = column.type === 'lookup' ? options.lookups.get(column.name) : undefined;
  const hint = differs
    ? options.labels.yourValue(controlValue(column, attempted) || options.labels.none)
    : column.type === 'lookup' && editable && !lookupOptions && column.lookup
      ? options.labels.lookupHint(column.lookup)
      : '';
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const control = renderControl(column, { id, editable, value, required: column.required && editable, describedBy, invalid: error !== undefined, lookupOptions, none: options.labels.none });
  return html`<pk-field ?invalid=${error !== undefined} part="field">
    <label slot="label" for=${id}>${column.displayName}</label>
    ${control}
    ${hint ? html`<span slot="hint" id=${`${id}-hint`}>${hint}</span>` : nothing}
    ${error !== undefined ? html`<span slot="error" id=${`${id}-error`}>${error}</span>` : nothing}
  </pk-field>`;
}

interface ControlOptions {
  readonly id: string;
  readonly editable: boolean;
  readonly value: unknown;
  readonly required: boolean;
  readonly describedBy: string;
  readonly invalid: boolean;
  readonly lookupOptions: readonly LookupOption[] | undefined;
  readonly none: string;
}

function renderControl(column: SchemaColumn, o: ControlOptions): TemplateResult {
  const describedBy = o.describedBy || nothing;
  const invalid = o.invalid ? 'true' : nothing;
  const text = controlValue(column, o.value);
  switch (column.type) {
    case 'text':
      return html`<textarea id=${o.id} name=${column.name} rows="4" maxlength=${column.maxLength ?? nothing} ?required=${o.required}
        ?readonly=${!o.editable} aria-describedby=${describedBy} aria-invalid=${invalid} .value=${text}></textarea>`;
    case 'integer':
    case 'decimal':
      return html`<input id=${o.id} name=${column.name} type="number" inputmode=${column.type === 'integer' ? 'numeric' : 'decimal'}
        step=${column.type === 'integer' ? '1' : 'any'} ?required=${o.required} ?readonly=${!o.editable}
        aria-describedby=${describedBy} aria-invalid=${invalid} .value=${text} />`;
    case 'boolean':
      return html`<input id=${o.id} name=${column.name} type="checkbox" ?disabled=${!o.editable}
        aria-describedby=${describedBy} aria-invalid=${invalid} .checked=${o.value === true} />`;
    case 'datetime':
      return html`<input id=${o.id} name=${column.name} type="datetime-local" ?required=${o.required} ?readonly=${!o.editable}
        aria-describedby=${describedBy} aria-invalid=${invalid} .value=${text} />`;
    case 'choice':
      return renderSelect(column, o, (column.options ?? []).map((option) => ({ value: option, label: option })), text);
    case 'lookup':
      if (o.lookupOptions) return renderSelect(column, o, o.lookupOptions, text);
      return html`<input id=${o.id} name=${column.name} type="text" autocomplete="off" spellcheck="false" maxlength="100"
        ?required=${o.required} ?readonly=${!o.editable} aria-describedby=${describedBy} aria-invalid=${invalid} .value=${text} />`;
    case 'string':
    default:
      return html`<input id=${o.id} name=${column.name} type="text" maxlength=${column.maxLength ?? nothing} ?required=${o.required}
        ?readonly=${!o.editable} aria-describedby=${describedBy} aria-invalid=${invalid} .value=${text} />`;
  }
}

function renderSelect(column: SchemaColumn, o: ControlOptions, choices: readonly LookupOption[], selected: string): TemplateResult {
  // The empty option stays for required columns too: \`required\` then refuses it, instead of the browser
  // silently picking the first choice. A stored value the choices do not list (an old option, a row the visitor cannot list) stays selectable.
  const all = selected !== '' && !choices.some((choice) => choice.value === selected) ? [{ value: selected, label: selected }, ...choices] : choices;
  // `selected` per option, not `.value` on the select: the select's own binding is set before its options exist.
  return html`<select id=${o.id} name=${column.name} ?required=${o.required} ?disabled=${!o.editable}
    aria-describedby=${o.describedBy || nothing} aria-invalid=${o.invalid ? 'true' : nothing}>
    <option value="" ?selected=${selected === ''}>${o.none}</option>
    ${all.map((choice) => html`<option value=${choice.value} ?selected=${choice.value === selected}>${choice.label}</option>`)}
  </select>`;
}

/** A stored value as the text its control holds. */
export function controlValue(column: SchemaColumn, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (column.type === 'datetime') return toLocalInput(value);
  if (column.type === 'boolean') return value === true ? 'true' : 'false';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The values of the columns the visitor may set, typed for the data API: empty fields are `null`
 * (omitted on create), numbers are numbers, `datetime-local` becomes ISO-8601 UTC. A number the
 * browser cannot parse is sent as typed so the server's message lands on the field.
 */
export function readRowForm(form: HTMLFormElement, columns: readonly SchemaColumn[], mode: FormMode): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const column of columns) {
    if (!isEditable(column, mode)) continue;
    const control = form.elements.namedItem(column.name);
    if (!(control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement || control instanceof HTMLSelectElement)) continue;
    const value = parseControl(column, control);
    if (mode === 'create' && value === null) continue;
    values[column.name] = value;
  }
  return values;
}

function parseControl(column: SchemaColumn, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement): unknown {
  if (column.type === 'boolean') return control instanceof HTMLInputElement ? control.checked : control.value === 'true';
  const raw = column.type === 'lookup' ? control.value.trim() : control.value;
  if (raw === '') return null;
  switch (column.type) {
    case 'integer':
    case 'decimal': {
      const number = Number(raw);
      return Number.isFinite(number) ? number : raw;
    }
    case 'datetime': {
      const date = new Date(raw);
      return Number.isNaN(date.getTime()) ? raw : date.toISOString();
    }
    default:
      return raw;
  }
}

/** The columns whose value differs from the row as read: an update sends only what changed. */
export function changedValues(columns: readonly SchemaColumn[], values: Readonly<Record<string, unknown>>, original: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const column of columns) {
    if (!Object.hasOwn(values, column.name)) continue;
    if (!sameValue(column, values[column.name], original[column.name])) patch[column.name] = values[column.name];
  }
  return patch;
}

function sameValue(column: SchemaColumn, a: unknown, b: unknown): boolean {
  const left = a ?? null;
  const right = b ?? null;
  if (left === null || right === null) return left === right;
  // A `datetime-local` control holds minutes: an untouched field must not count as a change.
  if (column.type === 'datetime') return toLocalInput(left) === toLocalInput(right);
  if (column.type === 'integer' || column.type === 'decimal') return Number(left) === Number(right);
  return left === right;
}

/** `datetime-local` wants local time without seconds' zone: `2026-11-23T17:05`. */
function toLocalInput(value: unknown): string {
  const date = new Date(typeof value === 'number' ? value : String(value));
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
