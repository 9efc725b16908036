/**
 * `@portalkit/sdk`: the PortalKit browser client. `createPortalClient` signs visitors in, keeps a
 * verified (and cached) permission set for synchronous UI decisions, stays in step with the server
 * (`/events`) and the other tabs, and talks to the data API with typed errors. The evaluator the
 * decisions come from is re-exported for pages that work with claims directly.
 * @packageDocumentation
 */
export { Rights, rightsFromClaims, normalizePagePath } from '@portalkit/core';
export type { ColumnOperation, PermissionSetClaims, Privilege, Row, RowResolver, SchemaColumn, TableSchema, VisitorIdentity } from '@portalkit/core';

export { createPortalClient } from './client/index.js';
export type { AnonymousState, ClientContact, LoadingState, PortalClient, PortalClientOptions, PortalState, SignedInState } from './client/index.js';
export type { PasswordChange, PasswordResetConfirmation, RegistrationDetails, SignInCredentials } from './auth/local/index.js';
export type { Association, ListQuery, RowPage, TableClient, WriteCondition } from './data/index.js';
export {
  PortalError,
  InvalidCredentialsError,
  RateLimitedError,
  NetworkError,
  ValidationError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ForbiddenError,
  ConflictError,
} from './errors/index.js';
export type { FieldError, Problem } from './errors/index.js';
export type { ApiRow, ContactSummary, DiscoveryDocument, MeDocument, ProviderDescriptor } from './types.js';
