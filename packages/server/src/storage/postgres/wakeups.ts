import pg from 'pg';
import type { ClientConfig } from 'pg';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { EventWakeups } from '../../events/event-wakeups.js';

/**
 * One channel for every PortalKit database on the server. Notifications are per database, not per
 * schema, so the payload names the schema the events were written to and listeners of other schemas
 * (another portal in the same database, parallel tests) ignore it.
 */
const CHANNEL = 'portalkit_events';
/** A dropped listening connection is re-opened after this; polling covers the gap. */
const RECONNECT_DELAY_MS = 1_000;

/**
 * LISTEN/NOTIFY between instances. `notify` rides on the pool (NOTIFY is sent at commit, so nobody is
 * woken for an event they cannot read yet); listening needs a connection of its own, held for the
 * instance's life, since a pooled one would be handed to other queries.
 */
export class PostgresWakeups implements EventWakeups {
  constructor(
    private readonly db: Kysely<any>,
    private readonly clientConfig: ClientConfig,
    private readonly schema: string,
  ) {}

  async notify(): Promise<void> {
    await sql`select pg_notify(${CHANNEL}, ${this.schema})`.execute(this.db);
  }

  async listen(wake: () => void): Promise<() => Promise<void>> {
    let client: pg.Client | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;

    const connect = async (): Promise<void> => {
      const next = new pg.Client(this.clientConfig);
      // A listening connection that dies (server restart, network) must not crash the instance:
      // drop it and try again; the poll delivers meanwhile.
      next.on('error', () => void next.end().catch(() => undefined));
      next.on('end', () => {
        if (client === next) client = undefined;
        if (!stopped) scheduleReconnect();
      });
      next.on('notification', (message) => {
        if (message.channel === CHANNEL && message.payload === this.schema) wake();
      });
      await next.connect();
      // LISTEN takes no bound parameters; the channel is a constant identifier, compiled and quoted by Kysely.
      await next.query(sql`listen ${sql.id(CHANNEL)}`.compile(this.db).sql);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
    };
    const scheduleReconnect = (): void => {
      if (retry || stopped) return;
      retry = setTimeout(() => {
        retry = undefined;
        connect()
          // Events written while nobody listened are in the table: read them now.
          .then(wake)
          .catch(() => scheduleReconnect());
      }, RECONNECT_DELAY_MS);
      retry.unref();
    };

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  }
}
