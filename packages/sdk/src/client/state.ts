import type { PortalError } from '../errors/portal-error.js';
import type { VerifiedPermissionSet } from '../permissions/permission-sets.js';

/** The signed-in contact as the client knows it: always the id, the rest once the server said so. */
export interface ClientContact {
  readonly id: string;
  readonly email?: string | null;
  readonly username?: string | null;
}

/** Still deciding: no verified permission set yet. Every decision is `false` (closed). */
export interface LoadingState {
  readonly status: 'loading';
}

/** Nobody is signed in; `roles` are the anonymous role(s) of the verified set. */
export interface AnonymousState {
  readonly status: 'anonymous';
  readonly roles: readonly string[];
  /** The last failure (network, verification), when the client could not (re)validate. */
  readonly error?: PortalError;
}

/** A contact is signed in; `roles` are their effective roles from the verified set. */
export interface SignedInState {
  readonly status: 'signedIn';
  readonly contact: ClientContact;
  readonly roles: readonly string[];
  /** The last failure (network, verification) while revalidating; the decisions still stand. */
  readonly error?: PortalError;
}

/** What {@link PortalClient.state} holds. */
export type PortalState = LoadingState | AnonymousState | SignedInState;

/**
 * The state a verified set implies. `known` carries what sign-in told us about the contact (email,
 * username); it is used only when it is the same contact as the set's `sub`.
 */
export function stateFromSet(set: VerifiedPermissionSet | null, known: ClientContact | undefined, error?: PortalError): PortalState {
  const sub = set?.claims.sub;
  const roles = set ? [...set.claims.roles] : [];
  const withError = error ? { error } : {};
  if (typeof sub === 'string' && sub !== '') {
    const contact: ClientContact = known?.id === sub ? known : { id: sub };
    return { status: 'signedIn', contact, roles, ...withError };
  }
  return { status: 'anonymous', roles, ...withError };
}

/** Equality that ignores object identity: what a subscriber can observe. */
export function sameState(a: PortalState, b: PortalState): boolean {
  return stateKey(a) === stateKey(b);
}

function stateKey(state: PortalState): string {
  if (state.status === 'loading') return 'loading';
  const error = state.error ? `${state.error.name}:${state.error.code}` : '';
  const contact = state.status === 'signedIn' ? JSON.stringify([state.contact.id, state.contact.email, state.contact.username]) : '';
  return JSON.stringify([state.status, contact, state.roles, error]);
}
