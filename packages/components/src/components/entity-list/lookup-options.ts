import type { PortalClient, SchemaColumn } from '@portalkit/sdk';
import type { LookupOption } from './row-form.js';
import { rowLabel } from './row-label.js';

/** At most this many target rows become options; past it the form asks for an id. */
const MAX_OPTIONS = 100;

/**
 * Options for lookup columns: the target table's rows the visitor can read. A target they cannot list,
 * or one with more rows than fit a `<select>`, gets no options (the form shows an id input instead).
 */
export async function loadLookupOptions(client: PortalClient, columns: readonly SchemaColumn[]): Promise<Map<string, LookupOption[]>> {
  const options = new Map<string, LookupOption[]>();
  const byTarget = new Map<string, Promise<LookupOption[] | undefined>>();
  for (const column of columns) {
    const target = column.type === 'lookup' ? column.lookup : undefined;
    if (!target || byTarget.has(target)) continue;
    byTarget.set(target, listTarget(client, target));
  }
  for (const column of columns) {
    const loaded = column.lookup ? await byTarget.get(column.lookup) : undefined;
    if (loaded && loaded.length > 0) options.set(column.name, loaded);
  }
  return options;
}

async function listTarget(client: PortalClient, table: string): Promise<LookupOption[] | undefined> {
  try {
    if (!client.can('read', table)) return undefined;
    const page = await client.table(table).list({ top: MAX_OPTIONS });
    if (page.nextCursor !== undefined) return undefined;
    return page.rows.map((row) => ({ value: row.id, label: rowLabel(row) }));
  } catch {
    return undefined;
  }
}
