import type { SchemaColumn, TableSchema } from '@portalkit/sdk';

/** Whether the form creates a row or edits one. */
export type FormMode = 'create' | 'edit';

const SYSTEM_COLUMNS: ReadonlySet<string> = new Set(['id', 'createdon', 'modifiedon']);

/**
 * The columns a form shows: for create, the ones the visitor may set (others are absent); for edit,
 * every readable declared column, the ones they may not change read-only. Apart from the form itself
 * because the list needs it too (whether to offer Create) and must not download the form to know.
 */
export function formColumns(schema: TableSchema, mode: FormMode): SchemaColumn[] {
  return schema.columns.filter((column) => !SYSTEM_COLUMNS.has(column.name) && (mode === 'edit' || column.create));
}
