import { buildPermissionSetClaims, compileModel, PRIVILEGES, rightsFromClaims, SERVER_MANAGED_COLUMNS } from '@portalkit/core';
import type { ColumnOperation, PortalConfig, PortalModel, Privilege, Rights, Row, RowResolver, SchemaColumn, TableSchema } from '@portalkit/core';
import { Decisions } from '../client/decisions.js';
import type { PortalClient } from '../client/portal-client.js';
import { sameState, stateFromSet } from '../client/state.js';
import type { ClientContact, PortalState } from '../client/state.js';
import { Store } from '../client/store.js';
import type { RowPage, TableClient, WriteCondition } from '../data/table-client.js';
import {
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  PortalError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '../errors/portal-error.js';
import type { VerifiedPermissionSet } from '../permissions/permission-sets.js';
import type { ApiRow, ContactSummary, DiscoveryDocument, MeDocument } from '../types.js';

/** A contact the test double knows: who they are, their roles and (optionally) a password. */
export interface TestContact {
  readonly id: string;
  readonly email?: string | null;
  readonly username?: string | null;
  readonly accountId?: string;
  readonly roles?: readonly string[];
  /** When set, `signIn({ login: email or username, password })` signs this contact in. */
  readonly password?: string;
  /** The external identities `me()` lists (default none). */
  readonly identities?: MeDocument['identities'];
}

/** Options of {@link createTestPortalClient}. */
export interface TestPortalClientOptions {
  /** The portal configuration whose permissions decide (the same evaluator as the real client). */
  readonly config: PortalConfig;
  /** The signed-in contact at start; anonymous when absent. */
  readonly contact?: TestContact;
  /** Other contacts that `signIn` accepts. */
  readonly contacts?: readonly TestContact[];
  /** Table rows by table name (each needs an `id`); copied, never mutated. */
  readonly tables?: Readonly<Record<string, readonly Row[]>>;
  /** What `discovery()` returns. */
  readonly discovery?: DiscoveryDocument;
  /** Server URL it pretends to be (default `https://portal.test`). */
  readonly server?: string;
  /** Start in `loading` and stay there until {@link TestPortalControls.settle} (default: settled at once). */
  readonly loading?: boolean;
  /** Milliseconds every asynchronous method waits before answering, to show busy states (default 0). */
  readonly latencyMs?: number;
}

/** The operations {@link TestPortalControls.failNext} can make fail. */
export type TestOperation =
  | 'signIn'
  | 'register'
  | 'signOut'
  | 'changePassword'
  | 'requestPasswordReset'
  | 'confirmPasswordReset'
  | 'discovery'
  | 'me'
  | 'updateProfile'
  | 'schema'
  | 'list'
  | 'get'
  | 'create'
  | 'update'
  | 'delete'
  | 'associate';

/** What a story or a test can do to the double besides using it as a client. */
export interface TestPortalControls {
  /** Leaves `loading` (when started with `loading: true`) with the visitor given at creation. */
  settle(): void;
  /** Replaces the signed-in contact's roles, as a `portalkit roles assign` would (live decisions change). */
  setRoles(roles: readonly string[]): void;
  /** Makes the next call of `operation` reject with `error` (once). */
  failNext(operation: TestOperation, error: PortalError): void;
  /** Changes a stored row behind the client's back (bumps its ETag), e.g. to provoke a 412 conflict. */
  touchRow(table: string, id: string, changes: Record<string, unknown>): void;
}

/** The test double: a {@link PortalClient} plus {@link TestPortalControls}. */
export type TestPortalClient = PortalClient & TestPortalControls;

/**
 * **A test double, not for production.** An in-memory {@link PortalClient} for component tests and
 * Storybook: no network, no signatures, no session; whoever builds it decides who is signed in. Its
 * decisions come from the real evaluator (`buildPermissionSetClaims` + `rightsFromClaims` over the
 * given configuration), and its data methods enforce row permissions and ETags the way the server
 * does (NotFound for out-of-scope rows, 428 without an ETag, 412 when stale, ownership columns set on
 * create), so a component behaves as it will against a real server. Query `filter` and `search` are
 * not interpreted (they throw a ValidationError); use the real client for query-language tests.
 */
export function createTestPortalClient(options: TestPortalClientOptions): TestPortalClient {
  return new InMemoryPortalClient(options);
}

/** What the server lists in a row's `_actions` (`create` is not about an existing row). */
const ROW_ACTIONS: ReadonlySet<string> = new Set(['read', 'write', 'delete', 'append', 'appendTo']);

const NOT_FOUND = (): NotFoundError => new NotFoundError('Row not found', { status: 404, code: 'row-not-found' });

class InMemoryPortalClient implements TestPortalClient {
  readonly server: string;
  readonly ready: Promise<PortalState>;
  readonly #model: PortalModel;
  readonly #config: PortalConfig;
  readonly #contacts: TestContact[];
  readonly #tables = new Map<string, Map<string, Record<string, unknown>>>();
  readonly #store = new Store<PortalState>({ status: 'loading' }, sameState);
  readonly #decisions = new Decisions(() => this.#set);
  readonly #discovery: DiscoveryDocument | undefined;
  #set: VerifiedPermissionSet | null = null;
  #contact: TestContact | undefined;
  readonly #latencyMs: number;
  readonly #failures = new Map<TestOperation, PortalError>();
  #initial: TestContact | undefined;
  #settle: (() => void) | undefined;

  constructor(options: TestPortalClientOptions) {
    this.server = options.server ?? 'https://portal.test';
    this.#config = options.config;
    this.#model = compileModel(options.config);
    this.#contacts = [...(options.contact ? [options.contact] : []), ...(options.contacts ?? [])];
    this.#discovery = options.discovery;
    for (const [name, rows] of Object.entries(options.tables ?? {})) {
      this.#tables.set(name, new Map(rows.map((row) => [String(row['id']), { rowversion: 1, ...row }])));
    }
    this.#latencyMs = options.latencyMs ?? 0;
    this.#initial = options.contact;
    if (options.loading) {
      this.ready = new Promise((resolve) => {
        this.#settle = () => {
          this.#settle = undefined;
          this.#become(this.#initial);
          resolve(this.state);
        };
      });
    } else {
      this.#become(options.contact);
      this.ready = Promise.resolve(this.state);
    }
  }

  settle(): void {
    this.#settle?.();
  }

  setRoles(roles: readonly string[]): void {
    if (!this.#contact) throw new TypeError('setRoles needs a signed-in contact');
    const contact = { ...this.#contact, roles: [...roles] };
    const index = this.#contacts.findIndex((c) => c.id === contact.id);
    if (index >= 0) this.#contacts[index] = contact;
    this.#become(contact);
  }

  failNext(operation: TestOperation, error: PortalError): void {
    this.#failures.set(operation, error);
  }

  touchRow(table: string, id: string, changes: Record<string, unknown>): void {
    const row = this.#tables.get(table)?.get(id);
    if (!row) throw new TypeError(`No ${table} row ${id}`);
    this.#tables.get(table)?.set(id, { ...row, ...changes, id: row['id'], rowversion: Number(row['rowversion']) + 1, modifiedon: Date.now() });
  }

  /** Waits the configured latency, then throws a failure queued for `operation`. */
  async #enter(operation: TestOperation): Promise<void> {
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
    const failure = this.#failures.get(operation);
    if (failure) {
      this.#failures.delete(operation);
      throw failure;
    }
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
    return this.#decisions.can(privilege, table, row, resolve ?? this.#resolve);
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

  async signIn({ login, password }: { login: string; password: string }): Promise<ContactSummary> {
    await this.#enter('signIn');
    const key = login.trim().toLowerCase();
    const contact = this.#contacts.find(
      (c) => c.password !== undefined && c.password === password && (c.email?.toLowerCase() === key || c.username?.toLowerCase() === key),
    );
    if (!contact) throw new InvalidCredentialsError('The login or password is not correct.', { status: 401, code: 'invalid-credentials' });
    this.#become(contact);
    return summary(contact);
  }
  async register(details: { email: string; password: string; username?: string }): Promise<ContactSummary> {
    await this.#enter('register');
    const contact: TestContact = { id: crypto.randomUUID(), email: details.email, username: details.username ?? null, password: details.password };
    this.#contacts.push(contact);
    this.#become(contact);
    return summary(contact);
  }
  async signOut(): Promise<void> {
    await this.#enter('signOut');
    this.#become(undefined);
  }
  async changePassword(): Promise<void> {
    await this.#enter('changePassword');
    this.#requireSignedIn();
  }
  async requestPasswordReset(): Promise<void> {
    await this.#enter('requestPasswordReset');
  }
  async confirmPasswordReset(): Promise<void> {
    await this.#enter('confirmPasswordReset');
    this.#become(undefined);
  }
  async signInWith(): Promise<never> {
    throw new PortalError('External sign-in is not available in the test double', { status: 0, code: 'not-in-test-double' });
  }
  async completeRedirect(): Promise<null> {
    return null;
  }
  async discovery(): Promise<DiscoveryDocument> {
    await this.#enter('discovery');
    if (!this.#discovery) throw new PortalError('No discovery document given to createTestPortalClient', { status: 0, code: 'not-in-test-double' });
    return this.#discovery;
  }
  async me(): Promise<MeDocument> {
    await this.#enter('me');
    const contact = this.#requireSignedIn();
    const row = this.#tables.get('contact')?.get(contact.id);
    return {
      id: contact.id,
      email: contact.email ?? null,
      username: contact.username ?? null,
      // As the server: the name comes from the stored contact row (null when the row has none).
      firstname: typeof row?.['firstname'] === 'string' ? row['firstname'] : null,
      lastname: typeof row?.['lastname'] === 'string' ? row['lastname'] : null,
      accountId: contact.accountId ?? null,
      roles: this.state.status === 'signedIn' ? this.state.roles : [],
      identities: [...(contact.identities ?? [])],
      profile: row ? this.#apiRow('contact', row) : null,
    };
  }
  async updateProfile(patch: Record<string, unknown>, condition?: WriteCondition): Promise<ApiRow> {
    await this.#enter('updateProfile');
    const contact = this.#requireSignedIn();
    return this.table('contact').update(contact.id, patch, condition);
  }
  async refresh(): Promise<PortalState> {
    return this.state;
  }
  dispose(): void {
    this.#store.clear();
  }

  table<R extends ApiRow = ApiRow>(name: string): TableClient<R> {
    const rows = (): Map<string, Record<string, unknown>> => {
      let table = this.#tables.get(name);
      if (!table) this.#tables.set(name, (table = new Map()));
      return table;
    };
    const readable = (id: string): Record<string, unknown> => {
      const row = rows().get(id);
      if (!row || !this.can('read', name, row)) throw NOT_FOUND();
      return row;
    };
    const writable = (id: string, privilege: Privilege, condition: WriteCondition | undefined): Record<string, unknown> => {
      const row = readable(id);
      if (condition?.etag === undefined) throw new PreconditionRequiredError('If-Match required', { status: 428, code: 'precondition-required' });
      if (condition.etag !== etagOf(row)) throw new PreconditionFailedError('The row changed', { status: 412, code: 'precondition-failed' });
      if (!this.can(privilege, name, row)) throw new ForbiddenError('Not allowed', { status: 403, code: 'permission-denied' });
      return row;
    };
    const out = (row: Record<string, unknown>): R => this.#apiRow(name, row) as R;
    return {
      name,
      schema: async () => {
        await this.#enter('schema');
        return this.#schema(name);
      },
      list: async (query = {}) => {
        await this.#enter('list');
        if (query.filter !== undefined || query.search !== undefined) {
          throw new ValidationError('filter and search are not interpreted by the test double', { status: 400, code: 'not-in-test-double' });
        }
        if (!this.#set?.claims.tables[name]?.read) throw new ForbiddenError(`You cannot read ${name} rows.`, { status: 403, code: 'permission-denied' });
        const all = [...rows().values()].filter((row) => this.can('read', name, row));
        const start = query.cursor === undefined ? 0 : Number(query.cursor);
        const top = query.top ?? 50;
        const page = all.slice(start, start + top).map(out);
        const select = typeof query.select === 'string' ? query.select.split(',').map((s) => s.trim()) : query.select;
        const shaped = select ? page.map((row) => pick(row, select) as R) : page;
        return (start + top < all.length ? { rows: shaped, nextCursor: String(start + top) } : { rows: shaped }) as RowPage<R>;
      },
      get: async (id) => {
        await this.#enter('get');
        return out(readable(id));
      },
      create: async (values) => {
        await this.#enter('create');
        const row: Record<string, unknown> = { ...values, id: crypto.randomUUID(), rowversion: 1, createdon: Date.now(), modifiedon: Date.now() };
        for (const grant of this.#set?.claims.tables[name]?.create ?? []) {
          if (grant.scope === 'contact' && this.#contact) row[grant.column] = this.#contact.id;
          if (grant.scope === 'account' && this.#contact?.accountId) row[grant.column] = this.#contact.accountId;
        }
        if (!this.can('create', name, row)) throw new ForbiddenError(`You cannot create this ${name} row.`, { status: 403, code: 'permission-denied' });
        rows().set(String(row['id']), row);
        return out(row);
      },
      update: async (id, patch, condition) => {
        await this.#enter('update');
        const row = writable(id, 'write', condition);
        const next = { ...row, ...patch, id: row['id'], rowversion: Number(row['rowversion']) + 1, modifiedon: Date.now() };
        if (!this.can('write', name, next)) throw new ForbiddenError('The change would move the row out of your reach.', { status: 403, code: 'permission-denied' });
        rows().set(id, next);
        return out(next);
      },
      delete: async (id, condition) => {
        await this.#enter('delete');
        writable(id, 'delete', condition);
        rows().delete(id);
      },
      associate: async (id, { column, target }) => {
        await this.#enter('associate');
        const row = readable(id);
        const targetTable = this.#config.tables?.[name]?.columns?.[column];
        const targetName = targetTable && 'table' in targetTable ? String(targetTable.table) : undefined;
        const targetRow = targetName ? this.#tables.get(targetName)?.get(target) : undefined;
        if (!targetName || !targetRow || !this.can('read', targetName, targetRow)) throw NOT_FOUND();
        if (!this.can('append', name, row) || !this.can('appendTo', targetName, targetRow)) {
          throw new ForbiddenError('Not allowed', { status: 403, code: 'permission-denied' });
        }
        const next = { ...row, [column]: target, rowversion: Number(row['rowversion']) + 1 };
        rows().set(id, next);
        return out(next);
      },
    };
  }

  readonly #resolve: RowResolver = (table, id) => this.#tables.get(table)?.get(id);

  /** What `GET /api/schema/:table` answers, by the server's rules (see packages/server/src/data/routes/schema-route.ts). */
  #schema(name: string): TableSchema {
    const rights = this.#set?.rights;
    const table = Object.hasOwn(this.#model.tables, name) ? this.#model.tables[name] : undefined;
    const privileges = Object.fromEntries(PRIVILEGES.map((privilege) => [privilege, rights?.can(privilege, name) ?? false])) as Record<Privilege, boolean>;
    if (!table || !rights || !PRIVILEGES.some((privilege) => privileges[privilege])) {
      throw new NotFoundError('Unknown table', { status: 404, code: 'unknown-table' });
    }
    // Ownership columns are set by the server; only a global grant lets a visitor set them.
    const ownership = new Set<string>(Object.hasOwn(SERVER_MANAGED_COLUMNS, name) ? SERVER_MANAGED_COLUMNS[name] : []);
    for (const permission of this.#model.tablePermissions) {
      const { grant } = permission;
      if (permission.table !== name) continue;
      if (grant.scope === 'contact' || (grant.scope === 'account' && grant.column !== 'id')) ownership.add(grant.column);
    }
    const global = { create: rights.rowFilter('create', name).kind === 'all', update: rights.rowFilter('write', name).kind === 'all' };
    const settable = (operation: 'create' | 'update', column: string): boolean =>
      rights.canColumn(operation, name, column) && (!ownership.has(column) || global[operation]);
    const system = (column: string, displayName: string, type: SchemaColumn['type'], sortable: boolean): SchemaColumn => ({
      name: column, displayName, type, required: false, searchable: false, sortable, create: false, update: false,
    });
    const declared = Object.values(table.columns)
      .filter((column) => rights.canColumn('read', name, column.name))
      .map((column): SchemaColumn => ({
        name: column.name,
        displayName: column.displayName ?? column.name,
        type: column.type,
        required: column.required,
        ...(column.maxLength !== undefined ? { maxLength: column.maxLength } : {}),
        ...(column.options ? { options: column.options } : {}),
        ...(column.table ? { lookup: column.table } : {}),
        searchable: column.searchable,
        sortable: column.sortable,
        create: settable('create', column.name),
        update: settable('update', column.name),
      }));
    return {
      table: name,
      displayName: table.displayName,
      columns: [
        system('id', 'ID', 'string', false),
        system('createdon', 'Created on', 'datetime', true),
        system('modifiedon', 'Modified on', 'datetime', true),
        ...declared,
      ],
      privileges,
    };
  }

  #apiRow(table: string, row: Record<string, unknown>): ApiRow {
    const rights = this.#set?.rights;
    const visible: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      if (column === 'rowversion') continue;
      if (column === 'id' || column === 'createdon' || column === 'modifiedon' || rights?.canColumn('read', table, column)) visible[column] = value;
    }
    return { ...visible, id: String(row['id']), _etag: etagOf(row), _actions: (rights?.actionsOn(table, row, this.#resolve) ?? []).filter((action) => ROW_ACTIONS.has(action)) as ApiRow['_actions'] };
  }

  #become(contact: TestContact | undefined): void {
    this.#contact = contact;
    const claims = buildPermissionSetClaims(
      this.#model,
      contact ? { contactId: contact.id, accountId: contact.accountId, roles: contact.roles ?? [] } : {},
      { issuer: this.server, issuedAt: Math.floor(Date.now() / 1000), sessionId: contact ? 'test-double-session' : undefined },
    );
    this.#set = { token: 'test-double.not-signed.not-for-production', claims, etag: undefined, rights: rightsFromClaims(claims) };
    const known: ClientContact | undefined = contact ? summary(contact) : undefined;
    this.#store.set(stateFromSet(this.#set, known));
  }

  #requireSignedIn(): TestContact {
    if (!this.#contact) throw new ForbiddenError('Sign in first.', { status: 401, code: 'not-signed-in' });
    return this.#contact;
  }
}

function summary(contact: TestContact): ContactSummary {
  return { id: contact.id, email: contact.email ?? null, username: contact.username ?? null };
}

function etagOf(row: Record<string, unknown>): string {
  return `"${Number(row['rowversion'])}"`;
}

function pick(row: ApiRow, columns: readonly string[]): ApiRow {
  const keep = new Set(['id', 'createdon', 'modifiedon', '_etag', '_actions', ...columns]);
  return Object.fromEntries(Object.entries(row).filter(([key]) => keep.has(key))) as ApiRow;
}
