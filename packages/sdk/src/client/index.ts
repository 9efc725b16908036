export { createPortalClient } from './create-portal-client.js';
export type { PortalClientOptions } from './create-portal-client.js';
export type { PortalClient } from './portal-client.js';
export type { AnonymousState, ClientContact, LoadingState, PortalState, SignedInState } from './state.js';
export { Store } from './store.js';
export type { Listener } from './store.js';
