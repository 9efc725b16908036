/**
 * The data tables: what the configuration declares (`dataTables`) and how the database is kept in line
 * with it (`syncDataTables`).
 * @packageDocumentation
 */
export { DATA_SYSTEM_COLUMNS, dataTables } from './data-table.js';
export type { DataColumn, DataTable } from './data-table.js';
export { syncDataTables } from './sync.js';
export type { SchemaSyncOptions, SchemaSyncReport } from './sync.js';
export { SchemaChangeRefused, SchemaConflict } from './schema-errors.js';
export type { RefusedChange } from './schema-errors.js';
export { keepsStoredData, storageType } from './column-storage.js';
export { CREATED_ORDER, indexName, relationshipIndexName, sortIndexName } from './schema-ddl.js';
