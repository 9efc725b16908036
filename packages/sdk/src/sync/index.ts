export { EventStream } from './event-stream.js';
export type { EventStreamHandlers, EventStreamOptions } from './event-stream.js';
export { TabChannel } from './tab-channel.js';
export type { TabMessageKind } from './tab-channel.js';
