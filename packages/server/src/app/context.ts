import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { ConfigHolder } from '../config/config-holder.js';
import type { Contacts } from '../contacts/contacts.js';
import type { DataTable } from '../data/schema/data-table.js';
import type { EventLog } from '../events/event-log.js';
import type { Mailer } from '../mail/mailer.js';
import type { SessionCookiePolicy } from '../sessions/session-cookie.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Visitors } from '../sessions/visitors.js';
import type { Database } from '../storage/database.js';
import type { Engine } from '../storage/engine.js';
import type { Clock } from '../util/clock.js';

/**
 * Everything a route needs, created once per server. Routes receive it explicitly (no globals, no
 * decorators to discover), which keeps each module testable on its own.
 */
export interface ServerContext {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  readonly clock: Clock;
  readonly config: ConfigHolder;
  readonly audit: AuditLog;
  readonly contacts: Contacts;
  readonly events: EventLog;
  readonly sessions: SessionStore;
  readonly visitors: Visitors;
  readonly mailer: Mailer;
  /** The server's public base URL (no trailing slash): the permission sets' `iss`. Known once listening. */
  readonly issuer: string;
  readonly cookie: SessionCookiePolicy;
  /** The data tables of the configuration in force (recomputed after a reload). */
  dataTables(): ReadonlyMap<string, DataTable>;
}
