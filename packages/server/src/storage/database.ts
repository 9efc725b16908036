import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * The server's tables, as Kysely sees them. Times are milliseconds since the epoch (integers); ids are
 * random UUIDs; secrets (session ids, tokens, codes) are stored only as SHA-256 hashes.
 *
 * `contact` and `account` are the built-in data tables (the data API serves them too); the `pk_` tables
 * are the server's own. Config tables may not start with `pk_`, so the two never collide.
 */
export interface Database {
  contact: ContactTable;
  account: AccountTable;
  pk_credentials: CredentialsTable;
  pk_identities: IdentitiesTable;
  pk_contact_roles: ContactRolesTable;
  pk_account_roles: AccountRolesTable;
  pk_sessions: SessionsTable;
  pk_presessions: PreSessionsTable;
  pk_invitations: InvitationsTable;
  pk_reset_tokens: ResetTokensTable;
  pk_signing_keys: SigningKeysTable;
  pk_rate_limits: RateLimitsTable;
  pk_events: EventsTable;
  pk_audit: AuditTable;
  pk_outbox: OutboxTable;
}

export interface ContactTable {
  id: string;
  username: string | null;
  /** Lower-cased username: uniqueness and sign-in ignore case. */
  username_key: string | null;
  email: string | null;
  /** Lower-cased email. */
  email_key: string | null;
  firstname: string | null;
  lastname: string | null;
  accountid: string | null;
  createdon: number;
  modifiedon: number;
  rowversion: ColumnType<number, number | undefined, number>;
}
export type ContactRow = Selectable<ContactTable>;

export interface AccountTable {
  id: string;
  name: string;
  parentaccountid: string | null;
  createdon: number;
  modifiedon: number;
  rowversion: ColumnType<number, number | undefined, number>;
}

export interface CredentialsTable {
  contact_id: string;
  password_hash: string;
  failed_attempts: number;
  locked_until: number | null;
  changed_at: number;
}

export interface IdentitiesTable {
  issuer: string;
  subject: string;
  provider: string;
  contact_id: string;
  created_at: number;
}

export interface ContactRolesTable {
  contact_id: string;
  role: string;
  created_at: number;
}

export interface AccountRolesTable {
  account_id: string;
  role: string;
  created_at: number;
}

export interface SessionsTable {
  id_hash: string;
  contact_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry: the session ends then whatever the activity. */
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
  ended_at: number | null;
  end_reason: string | null;
}
export type SessionRow = Selectable<SessionsTable>;

export interface PreSessionsTable {
  id_hash: string;
  provider: string;
  nonce: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface InvitationsTable {
  code_hash: string;
  email_key: string | null;
  /** JSON array of role names. */
  roles: string;
  account_id: string | null;
  max_redemptions: number;
  redemptions: number;
  expires_at: number;
  created_at: number;
}

export interface ResetTokensTable {
  token_hash: string;
  contact_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  /** Set when a newer key took over; the key then only stays published. */
  retired_at: number | null;
  /** A retired key is published until its last permission set has expired. */
  publish_until: number | null;
}

export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

export interface EventsTable {
  id: Generated<number>;
  kind: string;
  /** The contact the event is for; null for every visitor. */
  contact_id: string | null;
  /** The session the event is for; null for every session of the contact. */
  session_hash: string | null;
  at: number;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  action: string;
  outcome: string;
  actor: string | null;
  subject: string | null;
  ip: string | null;
  /** JSON object with anything else worth keeping. */
  detail: string;
}

export interface OutboxTable {
  id: Generated<number>;
  recipient: string;
  subject: string;
  body: string;
  created_at: number;
  sent_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export type NewAuditEntry = Insertable<AuditTable>;
