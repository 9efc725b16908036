import type { ColumnType, PortalModel } from '@portalkit/core';

/**
 * A table as the data API sees it: the declared columns (built-in ones included) and the system
 * columns every data table has. Physical table and column names are exactly these names: the config
 * schema restricts them to `^[a-z][a-z0-9_]{0,62}$`, never `pk_…`, so they are safe identifiers and
 * never collide with the server's own tables. (Kysely still quotes them.)
 */
export interface DataTable {
  readonly name: string;
  readonly builtIn: boolean;
  /** Declared columns, in declaration order (built-ins first). */
  readonly columns: ReadonlyMap<string, DataColumn>;
}

export interface DataColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly searchable: boolean;
  /** Kept in order by a (column, id) index. */
  readonly sortable: boolean;
  readonly maxLength?: number;
  /** `choice`: allowed values. */
  readonly options?: readonly string[];
  /** `lookup`: the table whose `id` it holds. */
  readonly target?: string;
}

/** System columns: `id` (text), `createdon`/`modifiedon` (integer ms), `rowversion` (integer, starts at 1). */
export const DATA_SYSTEM_COLUMNS = ['id', 'createdon', 'modifiedon', 'rowversion'] as const;

/** The data tables of a model, by name. */
export function dataTables(model: PortalModel): ReadonlyMap<string, DataTable> {
  const tables = new Map<string, DataTable>();
  for (const table of Object.values(model.tables)) {
    const columns = new Map<string, DataColumn>();
    for (const column of Object.values(table.columns)) {
      columns.set(column.name, {
        name: column.name,
        type: column.type,
        required: column.required,
        searchable: column.searchable,
        sortable: column.sortable,
        ...(column.maxLength !== undefined ? { maxLength: column.maxLength } : {}),
        ...(column.options ? { options: column.options } : {}),
        ...(column.table ? { target: column.table } : {}),
      });
    }
    tables.set(table.name, { name: table.name, builtIn: table.builtIn, columns });
  }
  return tables;
}
