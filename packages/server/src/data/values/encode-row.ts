import type { DataTable } from '../schema/data-table.js';
import { epochMillisecondsToIso } from './datetime.js';
import { fromDbValue } from './db-value.js';

/**
 * A database row as JSON, with exactly the listed columns that are system or declared columns of the
 * table: `id` as a string, `createdon`/`modifiedon` as ISO-8601 strings, `rowversion` as a number,
 * declared columns per their type (see {@link fromDbValue}). Nothing else is ever copied: a column the
 * row happens to carry (an internal one such as `contact.username_key`, an action flag) stays behind
 * unless it is both listed and declared. A listed column the row lacks is left out.
 */
export function encodeRow(table: DataTable, row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const name of columns) {
    if (!Object.hasOwn(row, name)) continue;
    const value = row[name];
    switch (name) {
      case 'id':
        json[name] = value === null || value === undefined ? null : String(value);
        break;
      case 'createdon':
      case 'modifiedon':
        json[name] = epochMillisecondsToIso(value);
        break;
      case 'rowversion':
        json[name] = value === null || value === undefined ? null : Number(value);
        break;
      default: {
        const column = table.columns.get(name);
        if (column) json[name] = fromDbValue(column, value);
      }
    }
  }
  return json;
}
