import { Migrator, sql } from 'kysely';
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import type { Engine } from './engine.js';

/**
 * The server's schema, as ordered migrations. Written with Kysely's schema builder so one definition
 * serves SQLite and PostgreSQL; the only engine difference is how an auto-increment key is spelled.
 * Migrations are append-only: never edit a released one, add the next.
 */
function migrations(engine: Engine): Record<string, Migration> {
  const serialId = <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
    engine === 'postgres'
      ? table.addColumn('id', 'bigserial', (col) => col.primaryKey())
      : table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement());
  const time = (col: ColumnDefinitionBuilder) => col.notNull();

  return {
    '0001-identity': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('account')
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('name', 'text', (col) => col.notNull())
          .addColumn('parentaccountid', 'text', (col) => col.references('account.id').onDelete('set null'))
          .addColumn('createdon', 'bigint', time)
          .addColumn('modifiedon', 'bigint', time)
          .execute();
        await db.schema
          .createTable('contact')
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('username', 'text')
          .addColumn('username_key', 'text', (col) => col.unique())
          .addColumn('email', 'text')
          .addColumn('email_key', 'text', (col) => col.unique())
          .addColumn('firstname', 'text')
          .addColumn('lastname', 'text')
          .addColumn('accountid', 'text', (col) => col.references('account.id').onDelete('set null'))
          .addColumn('createdon', 'bigint', time)
          .addColumn('modifiedon', 'bigint', time)
          .execute();
        await db.schema.createIndex('contact_accountid').on('contact').column('accountid').execute();
        await db.schema
          .createTable('pk_credentials')
          .addColumn('contact_id', 'text', (col) => col.primaryKey().references('contact.id').onDelete('cascade'))
          .addColumn('password_hash', 'text', (col) => col.notNull())
          .addColumn('failed_attempts', 'integer', (col) => col.notNull().defaultTo(0))
          .addColumn('locked_until', 'bigint')
          .addColumn('changed_at', 'bigint', time)
          .execute();
        await db.schema
          .createTable('pk_identities')
          .addColumn('issuer', 'text', (col) => col.notNull())
          .addColumn('subject', 'text', (col) => col.notNull())
          .addColumn('provider', 'text', (col) => col.notNull())
          .addColumn('contact_id', 'text', (col) => col.notNull().references('contact.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', time)
          .addPrimaryKeyConstraint('pk_identities_pk', ['issuer', 'subject'])
          .execute();
        await db.schema.createIndex('pk_identities_contact').on('pk_identities').column('contact_id').execute();
        await db.schema
          .createTable('pk_contact_roles')
          .addColumn('contact_id', 'text', (col) => col.notNull().references('contact.id').onDelete('cascade'))
          .addColumn('role', 'text', (col) => col.notNull())
          .addColumn('created_at', 'bigint', time)
          .addPrimaryKeyConstraint('pk_contact_roles_pk', ['contact_id', 'role'])
          .execute();
        await db.schema
          .createTable('pk_account_roles')
          .addColumn('account_id', 'text', (col) => col.notNull().references('account.id').onDelete('cascade'))
          .addColumn('role', 'text', (col) => col.notNull())
          .addColumn('created_at', 'bigint', time)
          .addPrimaryKeyConstraint('pk_account_roles_pk', ['account_id', 'role'])
          .execute();
        await db.schema
          .createTable('pk_sessions')
          .addColumn('id_hash', 'text', (col) => col.primaryKey())
          .addColumn('contact_id', 'text', (col) => col.notNull().references('contact.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', time)
          .addColumn('last_seen_at', 'bigint', time)
          .addColumn('expires_at', 'bigint', time)
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('ended_at', 'bigint')
          .addColumn('end_reason', 'text')
          .execute();
        await db.schema.createIndex('pk_sessions_contact').on('pk_sessions').column('contact_id').execute();
        await db.schema
          .createTable('pk_presessions')
          .addColumn('id_hash', 'text', (col) => col.primaryKey())
          .addColumn('provider', 'text', (col) => col.notNull())
          .addColumn('nonce', 'text', (col) => col.notNull())
          .addColumn('created_at', 'bigint', time)
          .addColumn('expires_at', 'bigint', time)
          .addColumn('consumed_at', 'bigint')
          .execute();
        await db.schema.createIndex('pk_presessions_expires').on('pk_presessions').column('expires_at').execute();
        await db.schema
          .createTable('pk_invitations')
          .addColumn('code_hash', 'text', (col) => col.primaryKey())
          .addColumn('email_key', 'text')
          .addColumn('roles', 'text', (col) => col.notNull())
          .addColumn('account_id', 'text', (col) => col.references('account.id').onDelete('cascade'))
          .addColumn('max_redemptions', 'integer', (col) => col.notNull())
          .addColumn('redemptions', 'integer', (col) => col.notNull().defaultTo(0))
          .addColumn('expires_at', 'bigint', time)
          .addColumn('created_at', 'bigint', time)
          .execute();
        await db.schema
          .createTable('pk_reset_tokens')
          .addColumn('token_hash', 'text', (col) => col.primaryKey())
          .addColumn('contact_id', 'text', (col) => col.notNull().references('contact.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', time)
          .addColumn('expires_at', 'bigint', time)
          .addColumn('used_at', 'bigint')
          .execute();
        await db.schema.createIndex('pk_reset_tokens_contact').on('pk_reset_tokens').column('contact_id').execute();
        await db.schema
          .createTable('pk_signing_keys')
          .addColumn('kid', 'text', (col) => col.primaryKey())
          .addColumn('alg', 'text', (col) => col.notNull())
          .addColumn('private_jwk', 'text', (col) => col.notNull())
          .addColumn('public_jwk', 'text', (col) => col.notNull())
          .addColumn('created_at', 'bigint', time)
          .addColumn('retired_at', 'bigint')
          .addColumn('publish_until', 'bigint')
          .execute();
        await db.schema
          .createTable('pk_rate_limits')
          .addColumn('key', 'text', (col) => col.notNull())
          .addColumn('window_start', 'bigint', time)
          .addColumn('count', 'integer', (col) => col.notNull())
          .addPrimaryKeyConstraint('pk_rate_limits_pk', ['key', 'window_start'])
          .execute();
        await db.schema.createIndex('pk_rate_limits_window').on('pk_rate_limits').column('window_start').execute();
        await serialId(db.schema.createTable('pk_events'))
          .addColumn('kind', 'text', (col) => col.notNull())
          .addColumn('contact_id', 'text')
          .addColumn('session_hash', 'text')
          .addColumn('at', 'bigint', time)
          .execute();
        await db.schema.createIndex('pk_events_at').on('pk_events').column('at').execute();
        await serialId(db.schema.createTable('pk_audit'))
          .addColumn('at', 'bigint', time)
          .addColumn('action', 'text', (col) => col.notNull())
          .addColumn('outcome', 'text', (col) => col.notNull())
          .addColumn('actor', 'text')
          .addColumn('subject', 'text')
          .addColumn('ip', 'text')
          .addColumn('detail', 'text', (col) => col.notNull())
          .execute();
        await db.schema.createIndex('pk_audit_at').on('pk_audit').column('at').execute();
        await serialId(db.schema.createTable('pk_outbox'))
          .addColumn('recipient', 'text', (col) => col.notNull())
          .addColumn('subject', 'text', (col) => col.notNull())
          .addColumn('body', 'text', (col) => col.notNull())
          .addColumn('created_at', 'bigint', time)
          .addColumn('sent_at', 'bigint')
          .execute();
      },
    },
    '0002-row-versions': {
      // The built-in data tables get the change counter every data table has (the data API's ETag).
      async up(db: Kysely<any>) {
        for (const table of ['contact', 'account']) {
          await db.schema.alterTable(table).addColumn('rowversion', 'integer', (col) => col.notNull().defaultTo(1)).execute();
        }
      },
    },
    '0003-bytewise-text': {
      // PostgreSQL only: the built-in data tables' free-text columns compare byte by byte, as SQLite's
      // do and as config tables' columns are created (data/schema/schema-ddl.ts), so sorted lists of
      // contacts and accounts are the same on both engines whatever the database's locale. Ids are
      // left alone: generated UUIDs order the same in every locale, and keys referenced by foreign
      // keys would have to be rebuilt.
      async up(db: Kysely<any>) {
        if (engine !== 'postgres') return;
        const columns = { contact: ['username', 'email', 'firstname', 'lastname'], account: ['name'] };
        for (const [table, names] of Object.entries(columns)) {
          for (const name of names) {
            await db.schema.alterTable(table).alterColumn(name, (col) => col.setDataType(sql`text collate "C"`)).execute();
          }
        }
      },
    },
    '0004-one-active-signing-key': {
      // At most one active signing key, enforced by the database: two instances starting at once on an
      // empty PostgreSQL database could each insert a first key (INSERT … WHERE NOT EXISTS is not
      // atomic under READ COMMITTED). Extra active keys a race left behind are retired first, keeping
      // the one every instance already picked (newest, then highest kid), published as long as any set
      // they signed can live.
      async up(db: Kysely<any>) {
        const active = await db
          .selectFrom('pk_signing_keys')
          .select(['kid'])
          .where('retired_at', 'is', null)
          .orderBy('created_at', 'desc')
          .orderBy('kid', 'desc')
          .execute();
        const losers = active.slice(1).map((row: { kid: string }) => row.kid);
        if (losers.length > 0) {
          const now = Date.now();
          await db
            .updateTable('pk_signing_keys')
            .set({ retired_at: now, publish_until: now + RETIRED_KEY_PUBLISH_MS })
            .where('kid', 'in', losers)
            .execute();
        }
        await db.schema
          .createIndex('pk_signing_keys_one_active')
          .on('pk_signing_keys')
          .unique()
          .expression(sql`(retired_at is null)`)
          .where(sql.ref('retired_at'), 'is', null)
          .execute();
      },
    },
  };
}

/** How long a key retired by migration 0004 stays published: longer than any permission set lives. */
const RETIRED_KEY_PUBLISH_MS = 24 * 60 * 60 * 1000;

class InCodeMigrations implements MigrationProvider {
  constructor(private readonly engine: Engine) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.engine);
  }
}

/**
 * Brings the schema up to date; refuses to start on a database newer than this server. On PostgreSQL
 * the migrator's bookkeeping is pinned to the current schema: unpinned, Kysely looks for its table in
 * every schema, so a second portal in another schema of the same database would think it migrated.
 */
export async function migrateToLatest(db: Kysely<any>, engine: Engine, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations(engine), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`Database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

