import type { ColumnType, Privilege } from './vocabulary.js';

// What `GET /api/schema/:table` answers: the server builds it, the SDK and the components read it.

/** One column of a {@link TableSchema}: its shape, and whether the visitor may set it. */
export interface SchemaColumn {
  readonly name: string;
  /** The label the configuration gives it (its name when none). */
  readonly displayName: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly maxLength?: number;
  /** `choice`: the allowed values. */
  readonly options?: readonly string[];
  /** `lookup`: the table whose row id the column holds. */
  readonly lookup?: string;
  /** Matched by the data API's `search`. */
  readonly searchable: boolean;
  /** Indexed for `orderBy`. */
  readonly sortable: boolean;
  /** The visitor may set it when creating a row. */
  readonly create: boolean;
  /** The visitor may change it on a row they may write. */
  readonly update: boolean;
}

/**
 * A table as the signed-in visitor may use it (`GET /api/schema/:table`): only the columns they may
 * read (system columns `id`, `createdon`, `modifiedon` first, never settable) and their table privileges.
 */
export interface TableSchema {
  readonly table: string;
  /** The label the configuration gives the table (its name when none). */
  readonly displayName: string;
  readonly columns: readonly SchemaColumn[];
  readonly privileges: Readonly<Record<Privilege, boolean>>;
}
