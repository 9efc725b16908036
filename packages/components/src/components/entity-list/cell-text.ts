import type { SchemaColumn } from '@portalkit/sdk';

/**
 * A cell's value as plain text. The result only ever goes into Lit text bindings, so markup and
 * `javascript:` URLs in row data stay inert characters; nothing here makes links or HTML.
 */
export function cellText(value: unknown, column: SchemaColumn | undefined, labels: { readonly yes: string; readonly no: string }): string {
  if (value === null || value === undefined) return '';
  if (column?.type === 'boolean') return value === true ? labels.yes : value === false ? labels.no : String(value);
  if (column?.type === 'datetime' && (typeof value === 'string' || typeof value === 'number')) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? String(value) : dateFormat().format(date);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

let format: Intl.DateTimeFormat | undefined;

/** One formatter for every cell: building one per cell costs more than rendering the cell. */
function dateFormat(): Intl.DateTimeFormat {
  format ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return format;
}
