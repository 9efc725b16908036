import type { ColumnOperation, Privilege, Rights, Row, RowResolver } from '@portalkit/core';
import type { ExternalSignInResult, SignInWithProviderOptions } from '../auth/external/index.js';
import type { PasswordChange, PasswordResetConfirmation, RegistrationDetails, SignInCredentials } from '../auth/local/local-auth.js';
import type { TableClient, WriteCondition } from '../data/table-client.js';
import type { ApiRow, ContactSummary, DiscoveryDocument, MeDocument } from '../types.js';
import type { PortalState } from './state.js';


/**
 * The PortalKit browser client: who the visitor is (`state`), what they may do (`can`, `hasRole`,
 * `canReadPage`, `canColumn`: synchronous, from the verified permission set, `false` while unknown),
 * local and external sign-in, and the data API. `createPortalClient` returns the real one;
 * `createTestPortalClient` (`@portalkit/sdk/testing`) an in-memory test double with the same interface.
 */
export interface PortalClient {
  /** The server URL, without a trailing slash. */
  readonly server: string;
  /** The current state; see {@link PortalState}. */
  readonly state: PortalState;
  /** Resolves with the first settled state (anonymous or signed in); never rejects. */
  readonly ready: Promise<PortalState>;
  /** The evaluator of the current verified set, or `null` while there is none. */
  readonly rights: Rights | null;
  /** Calls `listener` after every state change (not on refreshes that changed nothing). */
  subscribe(listener: (state: PortalState) => void): () => void;
  /** Whether the visitor holds `privilege` on `table` (on `row` when given). `false` while loading. */
  can(privilege: Privilege, table: string, row?: Row, resolve?: RowResolver): boolean;
  /** Whether the visitor has any of the named roles. */
  hasRole(...names: string[]): boolean;
  /** Whether the visitor may read the page at `path` under the site's page rules. */
  canReadPage(path: string): boolean;
  /** Whether the visitor may `read`/`update`/`create` a column. */
  canColumn(operation: ColumnOperation, table: string, column: string): boolean;

  /** Signs in with a local account. Throws `InvalidCredentialsError` (also for a locked account), `RateLimitedError`. */
  signIn(credentials: SignInCredentials): Promise<ContactSummary>;
  /** Registers a local account and signs it in (`ValidationError` with field paths on bad input). */
  register(details: RegistrationDetails): Promise<ContactSummary>;
  /**
   * Ends the session, clears this visitor's cached set and tells the other tabs. The page closes (no
   * rights) before the request; if the request fails the error is thrown and the page stays closed.
   */
  signOut(): Promise<void>;
  /** Changes the password (the contact's other sessions end). */
  changePassword(change: PasswordChange): Promise<void>;
  /** Asks for a reset mail; always succeeds for a well-formed address (the server does not tell). */
  requestPasswordReset(request: { readonly email: string }): Promise<void>;
  /** Sets a new password with the mailed token (every session of the contact ends; sign in afterwards). */
  confirmPasswordReset(confirmation: PasswordResetConfirmation): Promise<void>;
  /** Signs in through a configured provider (loads its adapter on first use). */
  signInWith(providerId: string, options: SignInWithProviderOptions): Promise<ExternalSignInResult | { redirecting: true }>;
  /** Finishes a redirect sign-in on the redirect page; `null` when the URL is not a callback. */
  completeRedirect(url?: string): Promise<ExternalSignInResult | null>;

  /** The server's discovery document (fetched once). */
  discovery(): Promise<DiscoveryDocument>;
  /** `GET /me`. */
  me(): Promise<MeDocument>;
  /** `PATCH /me` with the profile's `_etag`. */
  updateProfile(patch: Record<string, unknown>, condition?: WriteCondition): Promise<ApiRow>;
  /** The data client of one table. */
  table<R extends ApiRow = ApiRow>(name: string): TableClient<R>;
  /** Revalidates the permission set now; resolves with the resulting state. */
  refresh(): Promise<PortalState>;
  /** Closes the event stream and tab channel and drops listeners. */
  dispose(): void;
}
