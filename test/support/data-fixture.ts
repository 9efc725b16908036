/**
 * The data API fixture: one configuration exercising every scope (global, contact, account, self,
 * parent two and three levels deep), a table nobody may touch, a table anonymous visitors may only
 * create in, hidden and read-only columns; a seeded dataset; five principals (anonymous, A, B in A's
 * account, C in another account, D with two roles); and an explicit *oracle* that derives every
 * expected answer from DESIGN.md §1 by reading the raw configuration and the rows as seeded.
 *
 * The oracle shares no code with the evaluator or the server: it never calls `resolveRights`, never
 * builds SQL. Tests compare what the server says over HTTP with what the oracle says.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PortalConfig, TablePermissionConfig } from '@portalkit/core';
import { TestClient } from './http-client.js';
import type { RequestOptions, TestResponse } from './http-client.js';
import { startTestServer } from './portal-server.js';
import type { TestServer } from './portal-server.js';

// ---------------------------------------------------------------------------------------------------
// Vocabulary, spelled out (not imported) so the oracle does not trust the implementation's lists

export type Privilege = 'read' | 'write' | 'create' | 'delete' | 'append' | 'appendTo';
/** The privileges a row can carry in `_actions`, in the order the contract lists them. */
export const ROW_ACTIONS: readonly Privilege[] = ['read', 'write', 'delete', 'append', 'appendTo'];
export type ColumnOp = 'read' | 'update' | 'create';

export const ROLE = {
  anonymous: 'Anonymous Users',
  authenticated: 'Authenticated Users',
  accountMembers: 'Account Members',
  agents: 'Agents',
  projectMembers: 'Project Members',
  editors: 'Editors',
} as const;

/** Built-in columns (DESIGN.md §6 and `BUILT_IN_TABLE_CONFIGS`), written out for the oracle. */
const BUILT_IN_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  contact: ['username', 'email', 'firstname', 'lastname', 'accountid'],
  account: ['name', 'parentaccountid'],
};
/** Contact columns only the server sets (identity and tenancy), whatever the permissions say. */
const SERVER_MANAGED: Readonly<Record<string, readonly string[]>> = { contact: ['email', 'username', 'accountid'] };

// ---------------------------------------------------------------------------------------------------
// The configuration

export const DATA_TABLES_CONFIG: NonNullable<PortalConfig['tables']> = {
  contact: {
    columns: {
      nickname: { type: 'string', maxLength: 100 },
      creditlimit: { type: 'decimal' },
    },
  },
  ticket: {
    columns: {
      title: { type: 'string', required: true, maxLength: 200, searchable: true },
      body: { type: 'text', maxLength: 4000, searchable: true },
      status: { type: 'choice', options: ['open', 'closed'] },
      priority: { type: 'integer' },
      customerid: { type: 'lookup', table: 'contact' },
      accountid: { type: 'lookup', table: 'account' },
      secret: { type: 'text', maxLength: 4000, searchable: true },
    },
  },
  note: {
    columns: {
      text: { type: 'text', required: true, maxLength: 2000, searchable: true },
      ticketid: { type: 'lookup', table: 'ticket' },
    },
  },
  attachment: {
    columns: {
      filename: { type: 'string', required: true, maxLength: 255 },
      noteid: { type: 'lookup', table: 'note' },
    },
  },
  announcement: {
    columns: {
      headline: { type: 'string', required: true, maxLength: 200, searchable: true },
      published: { type: 'boolean' },
      publishon: { type: 'datetime' },
    },
  },
  project: {
    columns: {
      name: { type: 'string', required: true, maxLength: 200 },
      accountid: { type: 'lookup', table: 'account' },
    },
  },
  task: {
    columns: {
      title: { type: 'string', required: true, maxLength: 200 },
      projectid: { type: 'lookup', table: 'project' },
    },
  },
  feedback: {
    columns: {
      message: { type: 'text', required: true, maxLength: 2000 },
      contactid: { type: 'lookup', table: 'contact' },
    },
  },
  vault: {
    columns: {
      content: { type: 'string', maxLength: 200 },
    },
  },
};

export const DATA_TABLE_PERMISSIONS: TablePermissionConfig[] = [
  // global
  { name: 'Public announcements', table: 'announcement', scope: 'global', privileges: ['read'],
    roles: [ROLE.anonymous, ROLE.authenticated], allowAnonymousGlobalRead: true },
  { name: 'Edit announcements', table: 'announcement', scope: 'global', privileges: ['read', 'write', 'create', 'delete'],
    roles: [ROLE.editors] },
  { name: 'All tickets', table: 'ticket', scope: 'global', privileges: ['read', 'write'], roles: [ROLE.agents] },
  { name: 'Anonymous feedback', table: 'feedback', scope: 'global', privileges: ['create'], roles: [ROLE.anonymous] },
  // contact
  { name: 'Own tickets', table: 'ticket', scope: 'contact', contactColumn: 'customerid',
    privileges: ['read', 'write', 'create', 'delete', 'appendTo'], roles: [ROLE.authenticated] },
  { name: 'Own feedback', table: 'feedback', scope: 'contact', contactColumn: 'contactid',
    privileges: ['read', 'create'], roles: [ROLE.authenticated] },
  // account
  { name: 'Account tickets', table: 'ticket', scope: 'account', accountColumn: 'accountid',
    privileges: ['read', 'appendTo'], roles: [ROLE.accountMembers] },
  { name: 'Own account', table: 'account', scope: 'account', privileges: ['read'], roles: [ROLE.authenticated] },
  { name: 'Account projects', table: 'project', scope: 'account', accountColumn: 'accountid',
    privileges: ['read', 'write', 'appendTo'], roles: [ROLE.projectMembers] },
  // self
  { name: 'Own profile', table: 'contact', scope: 'self', privileges: ['read', 'write'], roles: [ROLE.authenticated] },
  // parent, two levels: note → ticket (contact), note → ticket (account), task → project (account)
  { name: 'Notes on own tickets', table: 'note', scope: 'parent', parent: 'Own tickets', relationship: 'ticketid',
    privileges: ['read', 'create', 'delete', 'append', 'appendTo'] },
  { name: 'Notes on account tickets', table: 'note', scope: 'parent', parent: 'Account tickets', relationship: 'ticketid',
    privileges: ['read'] },
  { name: 'Project tasks', table: 'task', scope: 'parent', parent: 'Account projects', relationship: 'projectid',
    privileges: ['read', 'write', 'create', 'delete', 'append'] },
  // parent, three levels: attachment → note → ticket (contact)
  { name: 'Attachments on own notes', table: 'attachment', scope: 'parent', parent: 'Notes on own tickets',
    relationship: 'noteid', privileges: ['read', 'write', 'create', 'append'] },
  // `vault` has no permission at all: nobody may do anything with it.
];

export const DATA_COLUMN_PERMISSIONS: NonNullable<PortalConfig['columnPermissions']> = [
  // hidden from everybody but Agents (and searchable: search must not reach it either)
  { table: 'ticket', column: 'secret', read: [ROLE.agents], update: [ROLE.agents], create: [ROLE.agents] },
  // readable by every signed-in contact, changed only by Agents, set on create by nobody
  { table: 'ticket', column: 'priority', read: [ROLE.authenticated], update: [ROLE.agents], create: [] },
  // read-only for Account Members, hidden from everyone else
  { table: 'contact', column: 'creditlimit', read: [ROLE.accountMembers], update: [] },
];

/** Replaces the demo configuration's data model, roles and permissions with the fixture's. */
export function applyDataConfig(config: PortalConfig): void {
  config.tables = structuredClone(DATA_TABLES_CONFIG);
  config.webRoles = [
    { name: ROLE.anonymous, anonymous: true },
    { name: ROLE.authenticated, authenticated: true },
    { name: ROLE.accountMembers },
    { name: ROLE.agents },
    { name: ROLE.projectMembers },
    { name: ROLE.editors },
  ];
  config.tablePermissions = structuredClone(DATA_TABLE_PERMISSIONS);
  config.columnPermissions = structuredClone(DATA_COLUMN_PERMISSIONS);
  config.pageRules = [];
  config.websitePermissions = [];
}

// ---------------------------------------------------------------------------------------------------
// A client that gives up

/** How long a request may take before the test calls the server stuck. */
export const REQUEST_TIMEOUT_MS = 3_000;

/**
 * A {@link TestClient} whose requests fail after {@link REQUEST_TIMEOUT_MS} instead of hanging the test
 * run: a server that stops answering is a finding, reported with the request that found it.
 */
export class TimedClient extends TestClient {
  override request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse<T>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms to ${method} ${path} ${options.json === undefined ? '' : JSON.stringify(options.json).slice(0, 200)} (the server is stuck)`)),
        REQUEST_TIMEOUT_MS,
      );
    });
    return Promise.race([super.request<T>(method, path, options), timeout]).finally(() => clearTimeout(timer));
  }
}

// ---------------------------------------------------------------------------------------------------
// Principals

export type PrincipalName = 'anonymous' | 'A' | 'B' | 'C' | 'D';
export const PRINCIPAL_NAMES: readonly PrincipalName[] = ['anonymous', 'A', 'B', 'C', 'D'];

export interface Principal {
  readonly name: PrincipalName;
  readonly contactId?: string;
  readonly accountId?: string;
  /** Roles assigned in the database (the Authenticated role is implicit for signed-in contacts). */
  readonly roles: readonly string[];
  readonly client: TestClient;
}

export const ACCOUNT = { X: 'acc-x', Y: 'acc-y', Z: 'acc-z' } as const;

const PRINCIPAL_SETUP: Readonly<Record<Exclude<PrincipalName, 'anonymous'>, { account: string; roles: string[] }>> = {
  A: { account: ACCOUNT.X, roles: [] },
  B: { account: ACCOUNT.X, roles: [ROLE.accountMembers, ROLE.editors] },
  C: { account: ACCOUNT.Y, roles: [ROLE.accountMembers] },
  D: { account: ACCOUNT.Y, roles: [ROLE.agents, ROLE.projectMembers] },
};

// ---------------------------------------------------------------------------------------------------
// Rows

/** A row as the API shows values (booleans as booleans, datetimes as ISO strings), plus its version. */
export interface FixtureRow {
  /** A name for failure messages (`ticket tA1`). */
  readonly label: string;
  /** Column values, `id` included; every declared column present (null when unset). */
  values: Record<string, unknown>;
  rowversion: number;
  createdon: number;
  modifiedon: number;
}

export type FixtureData = Record<string, FixtureRow[]>;

/** Every data table of the fixture (the order seeds them: a lookup's target comes first). */
export const TABLE_ORDER: readonly string[] = ['account', 'contact', 'ticket', 'note', 'attachment', 'announcement', 'project', 'task', 'feedback', 'vault'];

export function declaredColumns(table: string): string[] {
  const builtIn = Object.hasOwn(BUILT_IN_COLUMNS, table) ? BUILT_IN_COLUMNS[table]! : [];
  const configured = Object.hasOwn(DATA_TABLES_CONFIG, table) ? Object.keys(DATA_TABLES_CONFIG[table]!.columns) : [];
  return [...new Set([...builtIn, ...configured])];
}

export function columnType(table: string, column: string): string {
  if (table === 'contact' && ['username', 'email', 'firstname', 'lastname'].includes(column)) return 'string';
  if (column === 'accountid' && (table === 'contact' || table === 'ticket' || table === 'project')) return 'lookup';
  if (table === 'account') return column === 'name' ? 'string' : 'lookup';
  return DATA_TABLES_CONFIG[table]!.columns[column]!.type;
}

/** Storage form (DESIGN: booleans 0/1, datetimes ISO text, lookups ids). */
function toStorage(table: string, values: Record<string, unknown>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(values)) {
    stored[column] = column !== 'id' && columnType(table, column) === 'boolean' && value !== null ? (value ? 1 : 0) : value;
  }
  return stored;
}

const SEED_TIME = Date.UTC(2024, 0, 1, 9, 0, 0);

// ---------------------------------------------------------------------------------------------------
// The fixture

export interface DataFixture {
  readonly t: TestServer;
  readonly db: Kysely<any>;
  readonly principals: Readonly<Record<PrincipalName, Principal>>;
  /** The rows as stored now; tests that change rows keep it in step. */
  readonly data: FixtureData;
  readonly oracle: DataOracle;
  /** The row of `table` with this label (throws for typos). */
  row(table: string, label: string): FixtureRow;
  /** Inserts a row directly (not through the API) and records it in `data`. */
  insert(table: string, label: string, values: Record<string, unknown>): Promise<FixtureRow>;
  /** Deletes a row directly and forgets it. */
  remove(table: string, id: string): Promise<void>;
  /** Reads the stored row straight from the database (storage form). */
  stored(table: string, id: string): Promise<Record<string, unknown> | undefined>;
  /** Row counts of every data table, straight from the database. */
  counts(): Promise<Record<string, number>>;
  /** A label for an id, for messages. */
  labelOf(id: unknown): string;
  close(): Promise<void>;
}

/**
 * Starts a real server with the fixture's configuration, waits for it to have created the data tables,
 * and seeds accounts, the four contacts (with sessions) and rows owned by each of them.
 */
export async function startDataFixture(): Promise<DataFixture> {
  const t = await startTestServer({ configure: applyDataConfig });
  const { context } = t.server;
  const db = context.db as unknown as Kysely<any>;
  const data: FixtureData = Object.fromEntries(TABLE_ORDER.map((table) => [table, []]));
  const labels = new Map<string, string>();

  async function insert(table: string, label: string, values: Record<string, unknown>): Promise<FixtureRow> {
    const full: Record<string, unknown> = { id: values['id'] ?? randomUUID() };
    for (const column of declaredColumns(table)) full[column] = Object.hasOwn(values, column) ? values[column] : null;
    const createdon = SEED_TIME + Object.values(data).reduce((n, rows) => n + rows.length, 0) * 1000;
    const row: FixtureRow = { label: `${table} ${label}`, values: full, rowversion: 1, createdon, modifiedon: createdon + 500 };
    await db
      .insertInto(table)
      .values({ ...toStorage(table, full), createdon: row.createdon, modifiedon: row.modifiedon, rowversion: 1 })
      .execute();
    data[table]!.push(row);
    labels.set(String(full['id']), row.label);
    return row;
  }

  // Accounts
  await insert('account', 'X', { id: ACCOUNT.X, name: 'Account X' });
  await insert('account', 'Y', { id: ACCOUNT.Y, name: 'Account Y' });
  await insert('account', 'Z', { id: ACCOUNT.Z, name: 'Account Z', parentaccountid: ACCOUNT.X });

  // Contacts (through the server's own contact store: it also fills the internal login keys)
  const principals: Partial<Record<PrincipalName, Principal>> = { anonymous: { name: 'anonymous', roles: [], client: new TimedClient(t.url) } };
  let n = 0;
  for (const [name, setup] of Object.entries(PRINCIPAL_SETUP) as [Exclude<PrincipalName, 'anonymous'>, { account: string; roles: string[] }][]) {
    const email = `${name.toLowerCase()}@example.test`;
    const contact = await context.contacts.create({ email, username: `user${name.toLowerCase()}`, firstname: name, accountId: setup.account });
    const extra = { nickname: `nick ${name}`, creditlimit: 1000 + ++n };
    await db.updateTable('contact').set(extra).where('id', '=', contact.id).execute();
    for (const role of setup.roles) await context.contacts.assignRole(contact.id, role);
    const session = await context.sessions.create(contact.id, {});
    const client = new TimedClient(t.url);
    client.cookies.set(context.cookie.name, session.token);
    principals[name] = { name, contactId: contact.id, accountId: setup.account, roles: setup.roles, client };
    const stored = (await db.selectFrom('contact').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow()) as Record<string, unknown>;
    const values: Record<string, unknown> = { id: contact.id };
    for (const column of declaredColumns('contact')) values[column] = stored[column] ?? null;
    const row: FixtureRow = {
      label: `contact ${name}`,
      values,
      rowversion: Number(stored['rowversion']),
      createdon: Number(stored['createdon']),
      modifiedon: Number(stored['modifiedon']),
    };
    data['contact']!.push(row);
    labels.set(contact.id, row.label);
  }
  const P = principals as Record<PrincipalName, Principal>;
  const idOf = (name: Exclude<PrincipalName, 'anonymous'>): string => P[name].contactId!;

  // Tickets: owned by each contact, one account-only, one owned by nobody
  const ticket = (label: string, customer: string | null, account: string | null, extra: Record<string, unknown> = {}) =>
    insert('ticket', label, { id: `ticket-${label}`, title: `Ticket ${label}`, body: `body of ${label}`, status: 'open', priority: 2,
      customerid: customer, accountid: account, secret: `classified ${label}`, ...extra });
  await ticket('a1', idOf('A'), ACCOUNT.X);
  await ticket('a2', idOf('A'), ACCOUNT.X, { status: 'closed', priority: 1 });
  await ticket('b1', idOf('B'), ACCOUNT.X);
  await ticket('c1', idOf('C'), ACCOUNT.Y);
  await ticket('d1', idOf('D'), ACCOUNT.Y, { status: null });
  await ticket('x1', null, ACCOUNT.X);
  await ticket('u1', null, null);

  // Notes (parent: ticket), attachments (parent: note, three levels from the contact)
  const note = (label: string, ticketLabel: string | null) =>
    insert('note', label, { id: `note-${label}`, text: `Note ${label}`, ticketid: ticketLabel ? `ticket-${ticketLabel}` : null });
  await note('a1', 'a1');
  await note('a2', 'a1');
  await note('b1', 'b1');
  await note('c1', 'c1');
  await note('d1', 'd1');
  await note('x1', 'x1');
  await note('orphan', null);
  const attachment = (label: string, noteLabel: string | null) =>
    insert('attachment', label, { id: `attachment-${label}`, filename: `${label}.pdf`, noteid: noteLabel ? `note-${noteLabel}` : null });
  await attachment('a1', 'a1');
  await attachment('b1', 'b1');
  await attachment('c1', 'c1');
  await attachment('d1', 'd1');
  await attachment('orphan', null);

  // Global tables
  await insert('announcement', 'one', { id: 'announcement-one', headline: 'Welcome', published: true, publishon: '2024-05-31T14:30:00.000Z' });
  await insert('announcement', 'two', { id: 'announcement-two', headline: 'Maintenance', published: false });

  // Account-scoped projects and their tasks
  await insert('project', 'x', { id: 'project-x', name: 'Project X', accountid: ACCOUNT.X });
  await insert('project', 'y', { id: 'project-y', name: 'Project Y', accountid: ACCOUNT.Y });
  await insert('project', 'none', { id: 'project-none', name: 'Project nobody', accountid: null });
  await insert('task', 'x', { id: 'task-x', title: 'Task X', projectid: 'project-x' });
  await insert('task', 'y', { id: 'task-y', title: 'Task Y', projectid: 'project-y' });
  await insert('task', 'y2', { id: 'task-y2', title: 'Task Y2', projectid: 'project-y' });
  await insert('task', 'none', { id: 'task-none', title: 'Task nobody', projectid: 'project-none' });
  await insert('task', 'orphan', { id: 'task-orphan', title: 'Task orphan', projectid: null });

  // Feedback: A's, C's, and an anonymous one
  await insert('feedback', 'a', { id: 'feedback-a', message: 'from A', contactid: idOf('A') });
  await insert('feedback', 'c', { id: 'feedback-c', message: 'from C', contactid: idOf('C') });
  await insert('feedback', 'anon', { id: 'feedback-anon', message: 'from nobody', contactid: null });

  // A table with no permission
  await insert('vault', 'one', { id: 'vault-one', content: 'the crown jewels' });

  const oracle = new DataOracle(
    { tablePermissions: DATA_TABLE_PERMISSIONS, columnPermissions: DATA_COLUMN_PERMISSIONS, anonymousRole: ROLE.anonymous, authenticatedRole: ROLE.authenticated },
    data,
  );

  return {
    t,
    db,
    principals: P,
    data,
    oracle,
    row(table, label) {
      const found = data[table]?.find((row) => row.label === `${table} ${label}`);
      if (!found) throw new Error(`fixture has no ${table} ${label}`);
      return found;
    },
    insert,
    async remove(table, id) {
      await db.deleteFrom(table).where('id', '=', id).execute();
      const rows = data[table]!;
      const index = rows.findIndex((row) => row.values['id'] === id);
      if (index >= 0) rows.splice(index, 1);
    },
    async stored(table, id) {
      return (await db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst()) as Record<string, unknown> | undefined;
    },
    async counts() {
      const counts: Record<string, number> = {};
      for (const table of TABLE_ORDER) {
        const result = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        counts[table] = Number(result.n);
      }
      return counts;
    },
    labelOf(id) {
      return labels.get(String(id)) ?? String(id);
    },
    async close() {
      // A server stuck on a request never finishes closing: cut its connections and move on.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), 1_500)));
      const outcome = await Promise.race([t.close().then(() => 'closed' as const), stuck]);
      clearTimeout(timer);
      if (outcome === 'stuck') {
        t.server.app.server.close();
        t.server.app.server.closeAllConnections();
        await t.storage.remove();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The oracle

export interface OracleConfig {
  readonly tablePermissions: readonly TablePermissionConfig[];
  readonly columnPermissions: NonNullable<PortalConfig['columnPermissions']>;
  readonly anonymousRole: string;
  readonly authenticatedRole: string;
}

/** Who asks: an id and account when signed in, and the roles assigned to them. */
export interface OracleVisitor {
  readonly contactId?: string | undefined;
  readonly accountId?: string | undefined;
  readonly roles: readonly string[];
}

/**
 * DESIGN.md §1, naively: a visitor's roles are the Anonymous role alone, or the Authenticated role
 * plus their own; a permission applies when the visitor holds one of its roles (a child without roles
 * inherits its parent's); a privilege on a row is the union of the scopes of the applicable
 * permissions listing it; `create` is on the table (and the stored row must be in a create scope);
 * column permissions restrict listed columns to their roles; system columns are read-only.
 */
export class DataOracle {
  readonly #byName: Map<string, TablePermissionConfig>;

  constructor(
    readonly config: OracleConfig,
    readonly data: FixtureData,
  ) {
    this.#byName = new Map(config.tablePermissions.map((permission) => [permission.name, permission]));
  }

  roles(visitor: OracleVisitor): Set<string> {
    if (!visitor.contactId) return new Set([this.config.anonymousRole]);
    return new Set([this.config.authenticatedRole, ...visitor.roles.filter((role) => role !== this.config.anonymousRole)]);
  }

  #permissionRoles(permission: TablePermissionConfig): readonly string[] {
    if (permission.roles !== undefined) return permission.roles;
    return permission.scope === 'parent' ? this.#permissionRoles(this.#byName.get(permission.parent!)!) : [];
  }

  /** Permissions on `table` listing `privilege` that apply to the visitor. */
  held(visitor: OracleVisitor, privilege: Privilege, table: string): TablePermissionConfig[] {
    const roles = this.roles(visitor);
    return this.config.tablePermissions.filter(
      (permission) =>
        permission.table === table && permission.privileges.includes(privilege) && this.#permissionRoles(permission).some((role) => roles.has(role)),
    );
  }

  /** The row of `table` with this id, as stored now. */
  find(table: string, id: unknown): Record<string, unknown> | undefined {
    if (typeof id !== 'string') return undefined;
    return this.data[table]?.find((row) => row.values['id'] === id)?.values;
  }

  reaches(permission: TablePermissionConfig, visitor: OracleVisitor, row: Record<string, unknown>): boolean {
    switch (permission.scope) {
      case 'global':
        return true;
      case 'contact':
        return Boolean(visitor.contactId) && row[permission.contactColumn!] === visitor.contactId;
      case 'account': {
        if (!visitor.contactId || !visitor.accountId) return false;
        const column = permission.accountColumn ?? (permission.table === 'account' ? 'id' : undefined);
        return column !== undefined && row[column] === visitor.accountId;
      }
      case 'self':
        return permission.table === 'contact' && Boolean(visitor.contactId) && row['id'] === visitor.contactId;
      case 'parent': {
        const parent = this.#byName.get(permission.parent!)!;
        const parentRow = this.find(parent.table, row[permission.relationship!]);
        return parentRow !== undefined && this.reaches(parent, visitor, parentRow);
      }
    }
  }

  #reachesSomething(permission: TablePermissionConfig, visitor: OracleVisitor): boolean {
    switch (permission.scope) {
      case 'global':
        return true;
      case 'contact':
        return Boolean(visitor.contactId);
      case 'account':
        return Boolean(visitor.contactId && visitor.accountId);
      case 'self':
        return permission.table === 'contact' && Boolean(visitor.contactId);
      case 'parent':
        return this.#reachesSomething(this.#byName.get(permission.parent!)!, visitor);
    }
  }

  /** The privilege on the table at all (for `create`: the table-level answer). */
  canTable(visitor: OracleVisitor, privilege: Privilege, table: string): boolean {
    return this.held(visitor, privilege, table).some((permission) => this.#reachesSomething(permission, visitor));
  }

  /** The privilege on one row. */
  can(visitor: OracleVisitor, privilege: Privilege, table: string, row: Record<string, unknown>): boolean {
    return this.held(visitor, privilege, table).some((permission) => this.reaches(permission, visitor, row));
  }

  hasGlobal(visitor: OracleVisitor, privilege: Privilege, table: string): boolean {
    return this.held(visitor, privilege, table).some((permission) => permission.scope === 'global');
  }

  actions(visitor: OracleVisitor, table: string, row: Record<string, unknown>): Privilege[] {
    return ROW_ACTIONS.filter((privilege) => this.can(visitor, privilege, table, row));
  }

  canColumn(visitor: OracleVisitor, operation: ColumnOp, table: string, column: string): boolean {
    const privilege: Privilege = operation === 'read' ? 'read' : operation === 'update' ? 'write' : 'create';
    if (!this.canTable(visitor, privilege, table)) return false;
    if (!declaredColumns(table).includes(column)) return false;
    if (operation !== 'read' && (SERVER_MANAGED[table] ?? []).includes(column)) return false;
    const restriction = this.config.columnPermissions.find((permission) => permission.table === table && permission.column === column);
    if (!restriction) return true;
    const roles = this.roles(visitor);
    return (restriction[operation] ?? []).some((role) => roles.has(role));
  }

  readableColumns(visitor: OracleVisitor, table: string): string[] {
    return declaredColumns(table).filter((column) => this.canColumn(visitor, 'read', table, column));
  }

  /**
   * Columns the server sets on create: the contact column of every contact-scope permission on the
   * table and the account column of every account-scope one (not `account`'s own id), unless the
   * visitor creates through a global grant.
   */
  ownershipColumns(table: string): { contact: string[]; account: string[] } {
    const contact = new Set<string>();
    const account = new Set<string>();
    for (const permission of this.config.tablePermissions) {
      if (permission.table !== table) continue;
      if (permission.scope === 'contact') contact.add(permission.contactColumn!);
      if (permission.scope === 'account' && permission.accountColumn) account.add(permission.accountColumn);
    }
    return { contact: [...contact], account: [...account] };
  }

  /** The row a create stores: the body plus the ownership values the server fills in. */
  createdRow(visitor: OracleVisitor, table: string, body: Record<string, unknown>): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    for (const column of declaredColumns(table)) row[column] = Object.hasOwn(body, column) ? body[column] : null;
    if (!this.hasGlobal(visitor, 'create', table)) {
      const { contact, account } = this.ownershipColumns(table);
      for (const column of contact) row[column] = visitor.contactId ?? null;
      for (const column of account) row[column] = visitor.contactId ? (visitor.accountId ?? null) : null;
    }
    return row;
  }

  /** The expected answer to a create of `body` (whose lookups the caller chose). */
  create(visitor: OracleVisitor, table: string, body: Record<string, unknown>): { status: 201 | 400 | 403; code?: string } {
    if (!this.canTable(visitor, 'create', table)) return { status: 403, code: 'permission-denied' };
    for (const [column, value] of Object.entries(body)) {
      if (!this.canColumn(visitor, 'create', table, column)) return { status: 400, code: 'invalid-row' };
      if (columnType(table, column) === 'lookup' && value !== null) {
        const target = lookupTarget(table, column);
        const targetRow = this.find(target, value);
        if (!targetRow || !this.can(visitor, 'read', target, targetRow)) return { status: 400, code: 'invalid-row' };
      }
    }
    return this.can(visitor, 'create', table, this.createdRow(visitor, table, body)) ? { status: 201 } : { status: 403, code: 'permission-denied' };
  }

  /** Ids of `table` the visitor may read, sorted. */
  visibleIds(visitor: OracleVisitor, table: string): string[] {
    return (this.data[table] ?? [])
      .filter((row) => this.can(visitor, 'read', table, row.values))
      .map((row) => String(row.values['id']))
      .sort();
  }

  /** The row exactly as the API must show it to this visitor. */
  apiRow(visitor: OracleVisitor, table: string, row: FixtureRow): Record<string, unknown> {
    const shown: Record<string, unknown> = {
      id: row.values['id'],
      createdon: new Date(row.createdon).toISOString(),
      modifiedon: new Date(row.modifiedon).toISOString(),
    };
    for (const column of this.readableColumns(visitor, table)) shown[column] = row.values[column] ?? null;
    shown['_etag'] = `"${row.rowversion}"`;
    shown['_actions'] = this.actions(visitor, table, row.values);
    return shown;
  }
}

export function lookupTarget(table: string, column: string): string {
  if (table === 'account') return 'account';
  if (column === 'accountid') return 'account';
  return DATA_TABLES_CONFIG[table]!.columns[column]!.table!;
}

/** The visitor an oracle sees for a principal. */
export function visitorOf(principal: Principal): OracleVisitor {
  return { contactId: principal.contactId, accountId: principal.accountId, roles: principal.roles };
}

/** A problem body without its per-request `instance`, for comparing two refusals. */
export function withoutInstance(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const { instance: _instance, ...rest } = body as Record<string, unknown>;
  return rest;
}
