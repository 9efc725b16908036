export { Transport, normalizeServer } from './transport.js';
export type { TransportOptions, TransportRequestInit } from './transport.js';
