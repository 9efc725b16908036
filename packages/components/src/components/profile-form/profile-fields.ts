import { msg, str } from '@lit/localize';
import type { ApiRow, DiscoveryDocument, PortalClient } from '@portalkit/sdk';

/** A profile column as discovery publishes it. */
export type ProfileColumn = DiscoveryDocument['profile']['columns'][number];

/** What a control holds: text for every input but the checkbox. */
export type FormValue = string | boolean;

/** How a column is edited. */
export type FieldKind = 'text' | 'textarea' | 'number' | 'checkbox' | 'datetime' | 'select';

/** One field of the profile form: a visible column with everything its control needs. */
export interface ProfileField {
  readonly name: string;
  readonly type: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly maxLength: number | undefined;
  readonly options: readonly string[];
  /** Shown (and copyable) but not editable: no column permission, or the row is not writable. */
  readonly readOnly: boolean;
  /** The `autocomplete` token, where browsers know one for the column. */
  readonly autocomplete: string | undefined;
  /** The `<input type>` of text-like fields (`email`, `tel`), else `text`. */
  readonly inputType: 'text' | 'email' | 'tel';
}

const KINDS: Readonly<Record<string, FieldKind>> = {
  string: 'text',
  text: 'textarea',
  integer: 'number',
  decimal: 'number',
  boolean: 'checkbox',
  datetime: 'datetime',
  choice: 'select',
};

/** Well-known contact columns: autofill tokens (WCAG 1.3.5) and input types. */
const AUTOCOMPLETE: Readonly<Record<string, string>> = {
  firstname: 'given-name',
  lastname: 'family-name',
  email: 'email',
  emailaddress1: 'email',
  username: 'username',
  phone: 'tel',
  telephone: 'tel',
  telephone1: 'tel',
  mobilephone: 'tel',
  jobtitle: 'organization-title',
};

/** Labels of the built-in contact columns, which carry no display name in the configuration. */
function builtInLabel(name: string): string | undefined {
  switch (name) {
    case 'firstname':
      return msg('First name', { id: 'profile.column.firstname' });
    case 'lastname':
      return msg('Last name', { id: 'profile.column.lastname' });
    case 'email':
      return msg('Email', { id: 'profile.column.email' });
    case 'username':
      return msg('Username', { id: 'profile.column.username' });
    case 'jobtitle':
      return msg('Job title', { id: 'profile.column.jobtitle' });
    case 'phone':
      return msg('Phone', { id: 'profile.column.phone' });
    default:
      return undefined;
  }
}

/**
 * The fields to show, in discovery order. A column the profile row does not carry is one this visitor
 * may not read: it is left out entirely (not rendered empty). Lookups are ids, not something a visitor
 * types, so they are left out too.
 */
export function profileFields(columns: readonly ProfileColumn[], profile: ApiRow, client: PortalClient): ProfileField[] {
  const rowWritable = profile._actions.includes('write');
  return columns
    .filter((column) => column.type !== 'lookup' && Object.hasOwn(profile, column.name))
    .map((column): ProfileField => {
      const autocomplete = AUTOCOMPLETE[column.name];
      return {
        name: column.name,
        type: column.type,
        // A getter: the built-in labels follow a locale switch without reloading the profile.
        get label(): string {
          return column.displayName ?? builtInLabel(column.name) ?? column.name;
        },
        kind: KINDS[column.type] ?? 'text',
        required: column.required,
        maxLength: column.maxLength,
        options: column.options ?? [],
        readOnly: !rowWritable || !client.canColumn('update', 'contact', column.name) || !(column.type in KINDS),
        autocomplete,
        inputType: autocomplete === 'email' ? 'email' : autocomplete === 'tel' ? 'tel' : 'text',
      };
    });
}

/** The control value of a stored value. */
export function toFormValue(field: ProfileField, value: unknown): FormValue {
  if (field.kind === 'checkbox') return value === true;
  if (value === null || value === undefined) return '';
  if (field.kind === 'datetime') return toLocalDateTime(String(value));
  return String(value);
}

/** The control values of a profile row, by column. */
export function formValues(fields: readonly ProfileField[], profile: ApiRow): Record<string, FormValue> {
  return Object.fromEntries(fields.map((field) => [field.name, toFormValue(field, profile[field.name])]));
}

/** The JSON value to send for a control value (call after {@link fieldProblem} found nothing). */
export function toApiValue(field: ProfileField, value: FormValue): unknown {
  if (field.kind === 'checkbox') return value === true;
  const text = String(value);
  if (text.trim() === '') return null;
  if (field.kind === 'number') return Number(text);
  if (field.kind === 'datetime') return new Date(text).toISOString();
  return text;
}

/**
 * The columns whose control value differs from the stored one, as the JSON the server expects: only
 * these are sent, so a save never overwrites what someone else changed in another column.
 */
export function changedValues(fields: readonly ProfileField[], draft: Readonly<Record<string, FormValue>>, profile: ApiRow): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.readOnly || !Object.hasOwn(draft, field.name)) continue;
    const value = draft[field.name]!;
    if (value !== toFormValue(field, profile[field.name])) changes[field.name] = toApiValue(field, value);
  }
  return changes;
}

/** The client-side message of a control value, if it is wrong (the server checks again). */
export function fieldProblem(field: ProfileField, value: FormValue, badInput = false): string | undefined {
  if (field.readOnly || field.kind === 'checkbox') return undefined;
  const label = field.label;
  if (badInput) return msg(str`${label}: enter a number.`, { id: 'profile.error.number' });
  const text = String(value);
  if (text.trim() === '') return field.required ? msg(str`${label} is required.`, { id: 'profile.error.required' }) : undefined;
  if (field.maxLength !== undefined && [...text].length > field.maxLength) {
    return msg(str`${label} must be at most ${field.maxLength} characters.`, { id: 'profile.error.max-length' });
  }
  if (field.kind === 'number') {
    const number = Number(text);
    if (!Number.isFinite(number)) return msg(str`${label}: enter a number.`, { id: 'profile.error.number' });
    if (field.type === 'integer' && !Number.isSafeInteger(number)) return msg(str`${label}: enter a whole number.`, { id: 'profile.error.integer' });
  }
  if (field.kind === 'datetime' && Number.isNaN(new Date(text).getTime())) {
    return msg(str`${label}: enter a date and time.`, { id: 'profile.error.datetime' });
  }
  if (field.kind === 'select' && !field.options.includes(text)) {
    return msg(str`${label}: choose one of the options.`, { id: 'profile.error.choice' });
  }
  return undefined;
}

/** `YYYY-MM-DDTHH:mm` in the browser's time zone, what `datetime-local` shows; '' for a bad date. */
function toLocalDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
