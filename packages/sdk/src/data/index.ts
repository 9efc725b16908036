export { createTableClient } from './table-client.js';
export type { Association, RowPage, TableClient, WriteCondition } from './table-client.js';
export { listQueryString } from './query.js';
export type { ListQuery } from './query.js';
export { fetchMe, patchMe } from './me.js';
