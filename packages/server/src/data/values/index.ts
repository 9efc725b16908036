/**
 * The value codec between the data API's JSON bodies and database rows.
 * @packageDocumentation
 */
export { decodeBody, MAX_BODY_PROBLEMS } from './decode-body.js';
export type { DecodedBody, DecodeOptions } from './decode-body.js';
export { encodeRow } from './encode-row.js';
export { fromDbValue, toDbValue } from './db-value.js';
export type { DbValue, ValueCheck } from './db-value.js';
export { epochMillisecondsToIso, normaliseDateTime } from './datetime.js';
