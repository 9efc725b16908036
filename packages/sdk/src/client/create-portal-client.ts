import type { ColumnOperation, Privilege, Rights, Row, RowResolver } from '@portalkit/core';
import type { ExternalFlowHost, ExternalSignInResult, SignInWithProviderOptions } from '../auth/external/index.js';
import { localAuth } from '../auth/local/local-auth.js';
import type { PasswordChange, PasswordResetConfirmation, RegistrationDetails, SignInCredentials } from '../auth/local/local-auth.js';
import { fetchMe, patchMe } from '../data/me.js';
import { createTableClient } from '../data/table-client.js';
import type { TableClient, WriteCondition } from '../data/table-client.js';
import { PortalError } from '../errors/portal-error.js';
import { Transport } from '../http/transport.js';
import { PermissionSets } from '../permissions/permission-sets.js';
import type { VerifiedPermissionSet } from '../permissions/permission-sets.js';
import { MemoryPermissionCache } from '../storage/memory-cache.js';
import { EventStream } from '../sync/event-stream.js';
import { TabChannel } from '../sync/tab-channel.js';
import type { TabMessageKind } from '../sync/tab-channel.js';
import type { ApiRow, ContactSummary, DiscoveryDocument, MeDocument } from '../types.js';
import { Decisions } from './decisions.js';
import type { PortalClient } from './portal-client.js';
import { resolveServer } from './resolve-server.js';
import { sameState, stateFromSet } from './state.js';
import type { ClientContact, PortalState } from './state.js';
import { Store } from './store.js';

/** Options of {@link createPortalClient}. */
export interface PortalClientOptions {
  /** The companion server; default: `<meta name="portalkit-server" content="…">`. */
  readonly server?: string;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Where permission sets are cached: IndexedDB (default, memory when unavailable) or memory only. */
  readonly storage?: 'indexeddb' | 'memory';
  /** Listen to `/events` (default `true`). */
  readonly events?: boolean;
  /** Keep tabs in step through BroadcastChannel (default `true`). */
  readonly tabSync?: boolean;
}

/**
 * Creates the PortalKit client for a page. It decides from the verified cache before any request
 * (`state` leaves `loading` as soon as the cache is read), then revalidates in the background, listens
 * to `/events` and to the other tabs. Failures end up in `state.error`, never as unhandled rejections.
 */
export function createPortalClient(options: PortalClientOptions = {}): PortalClient {
  return new BrowserPortalClient(options);
}

function asPortalError(error: unknown): PortalError {
  if (error instanceof PortalError) return error;
  return new PortalError(error instanceof Error ? error.message : 'Unexpected failure', { status: 0, code: 'client-error', cause: error });
}

class BrowserPortalClient implements PortalClient {
  readonly server: string;
  readonly ready: Promise<PortalState>;
  readonly #transport: Transport;
  readonly #sets: PermissionSets;
  readonly #store = new Store<PortalState>({ status: 'loading' }, sameState);
  readonly #decisions = new Decisions(() => this.#set);
  readonly #events: EventStream | undefined;
  readonly #tabs: TabChannel | undefined;
  #set: VerifiedPermissionSet | null = null;
  #known: ClientContact | undefined;
  /** Bumped whenever the visitor changes here; results of older refreshes are dropped. */
  #epoch = 0;
  #discovery: Promise<DiscoveryDocument> | undefined;
  #resolveReady!: (state: PortalState) => void;
  #disposed = false;

  constructor(options: PortalClientOptions) {
    this.#transport = new Transport({ server: resolveServer(options.server), ...(options.fetch ? { fetch: options.fetch } : {}) });
    this.server = this.#transport.server;
    this.#sets = new PermissionSets({
      server: this.server,
      get: (path, headers) => this.#transport.request(path, { headers }),
      // Memory only: nothing on disk, so no IndexedDB and no warm-start mirror either.
      ...(options.storage === 'memory' ? { cache: new MemoryPermissionCache(), mirror: null } : {}),
    });
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.#store.subscribe((state) => {
      if (state.status !== 'loading') this.#resolveReady(state);
    });
    if (options.events !== false) {
      this.#events = new EventStream({
        url: this.#transport.url('/events'),
        handlers: {
          permissionsChanged: () => void this.refresh(),
          reconnected: () => void this.refresh(),
          sessionEnded: () => void this.#sessionEnded(),
        },
      });
    }
    if (options.tabSync !== false) this.#tabs = new TabChannel(this.server, (kind) => void this.#fromOtherTab(kind));
    void this.#start();
  }

  get state(): PortalState {
    return this.#store.get();
  }

  get rights(): Rights | null {
    return this.#set?.rights ?? null;
  }

  subscribe(listener: (state: PortalState) => void): () => void {
    return this.#store.subscribe(listener);
  }

  can(privilege: Privilege, table: string, row?: Row, resolve?: RowResolver): boolean {
    return this.#decisions.can(privilege, table, row, resolve);
  }

  hasRole(...names: string[]): boolean {
    return this.#decisions.hasRole(names);
  }

  canReadPage(path: string): boolean {
    return this.#decisions.canReadPage(path);
  }

  canColumn(operation: ColumnOperation, table: string, column: string): boolean {
    return this.#decisions.canColumn(operation, table, column);
  }

  async signIn(credentials: SignInCredentials): Promise<ContactSummary> {
    const contact = await localAuth.signIn(this.#transport, credentials);
    await this.#visitorChanged(contact);
    return contact;
  }

  async register(details: RegistrationDetails): Promise<ContactSummary> {
    const contact = await localAuth.register(this.#transport, details);
    await this.#visitorChanged(contact);
    return contact;
  }

  async signOut(): Promise<void> {
    const sub = this.#set?.claims.sub ?? null;
    // Hide protected content first, whatever the network does.
    const epoch = ++this.#epoch;
    this.#known = undefined;
    this.#apply(null, epoch);
    // Forget the visitor's cached set before the request: a reload during it must not decide from it.
    const forgotten = this.#sets.clear(sub).catch(() => undefined);
    try {
      await localAuth.signOut(this.#transport);
    } finally {
      await forgotten;
      this.#tabs?.post('visitor-changed');
    }
    this.#events?.restart();
    await this.#refreshNow(epoch, {});
  }

  async changePassword(change: PasswordChange): Promise<void> {
    await localAuth.changePassword(this.#transport, change);
    // The session stays, the other sessions end; rights are unchanged but the set is refetched anyway.
    await this.refresh();
  }

  async requestPasswordReset(request: { readonly email: string }): Promise<void> {
    await localAuth.requestPasswordReset(this.#transport, request);
  }

  async confirmPasswordReset(confirmation: PasswordResetConfirmation): Promise<void> {
    await localAuth.confirmPasswordReset(this.#transport, confirmation);
    // Every session of that contact ended, possibly this page's.
    await this.refresh();
    this.#tabs?.post('visitor-changed');
  }

  async signInWith(providerId: string, options: SignInWithProviderOptions): Promise<ExternalSignInResult | { redirecting: true }> {
    const external = await import('../auth/external/index.js');
    return external.signInWithProvider(this.#externalHost(), providerId, options);
  }

  async completeRedirect(url?: string): Promise<ExternalSignInResult | null> {
    const external = await import('../auth/external/index.js');
    return url === undefined ? external.completeRedirectSignIn(this.#externalHost()) : external.completeRedirectSignIn(this.#externalHost(), url);
  }

  discovery(): Promise<DiscoveryDocument> {
    this.#discovery ??= this.#transport.json<DiscoveryDocument>('/.well-known/portalkit').catch((error: unknown) => {
      this.#discovery = undefined;
      throw error;
    });
    return this.#discovery;
  }

  me(): Promise<MeDocument> {
    return fetchMe(this.#transport);
  }

  updateProfile(patch: Record<string, unknown>, condition?: WriteCondition): Promise<ApiRow> {
    return patchMe(this.#transport, patch, condition);
  }

  table<R extends ApiRow = ApiRow>(name: string): TableClient<R> {
    return createTableClient<R>(this.#transport, name);
  }

  async refresh(): Promise<PortalState> {
    await this.#refreshNow(this.#epoch, {});
    return this.state;
  }

  dispose(): void {
    this.#disposed = true;
    this.#events?.stop();
    this.#tabs?.close();
    this.#store.clear();
  }

  /** Cache first (no network before the first decision), then the server. */
  async #start(): Promise<void> {
    const epoch = this.#epoch;
    const cached = await this.#sets.readCached().catch(() => null);
    if (cached) this.#apply(cached, epoch);
    this.#events?.start();
    await this.#refreshNow(epoch, {});
  }

  /** A sign-in here: refetch the set for exactly that contact, reopen the stream, tell the tabs. */
  async #visitorChanged(contact: ContactSummary): Promise<void> {
    const epoch = ++this.#epoch;
    this.#known = contact;
    this.#events?.restart();
    const set = await this.#sets.refresh({ expectedSub: contact.id }).catch((error: unknown) => {
      this.#apply(null, epoch, asPortalError(error));
      throw asPortalError(error);
    });
    this.#apply(set, epoch);
    this.#tabs?.post('visitor-changed');
  }

  async #sessionEnded(): Promise<void> {
    const sub = this.#set?.claims.sub ?? null;
    // Already closed here (this tab signed out and is fetching the anonymous set): nothing to undo.
    if (sub === null) return;
    const epoch = ++this.#epoch;
    this.#known = undefined;
    this.#apply(null, epoch);
    await this.#sets.clear(sub).catch(() => undefined);
    this.#events?.restart();
    await this.#refreshNow(epoch, {});
  }

  /** Another tab changed something: re-read the verified cache, then ask the server. */
  async #fromOtherTab(kind: TabMessageKind): Promise<void> {
    const epoch = kind === 'visitor-changed' ? ++this.#epoch : this.#epoch;
    if (kind === 'visitor-changed') {
      const cached = await this.#sets.readCached().catch(() => null);
      // Only a cached set for a different visitor (or none) is a reason to close now; it is verified anyway.
      if (cached?.claims.sub !== this.#set?.claims.sub) this.#apply(cached, epoch);
      this.#events?.restart();
    }
    await this.#refreshNow(epoch, {});
  }

  /** Refreshes; a failure becomes `state.error` (decisions from the last verified set stay). */
  async #refreshNow(epoch: number, options: { expectedSub?: string | null }): Promise<void> {
    try {
      const set = await this.#sets.refresh(options);
      this.#apply(set, epoch);
    } catch (error) {
      if (epoch === this.#epoch && !this.#disposed) this.#store.set(stateFromSet(this.#set, this.#known, asPortalError(error)));
    }
  }

  #apply(set: VerifiedPermissionSet | null, epoch: number, error?: PortalError): void {
    if (epoch !== this.#epoch || this.#disposed) return;
    this.#set = set;
    if (set?.claims.sub !== this.#known?.id) this.#known = undefined;
    this.#store.set(stateFromSet(set, this.#known, error));
  }

  #externalHost(): ExternalFlowHost {
    return {
      server: this.server,
      post: <T>(path: string, body: unknown) => this.#transport.json<T>(path, { method: 'POST', body }),
      discovery: () => this.discovery(),
      signedIn: async (result) => this.#visitorChanged(result.contact),
    };
  }
}
