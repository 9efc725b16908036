import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { Clock } from '../util/clock.js';
import type { EventWakeups } from './event-wakeups.js';

/** What a visitor's open pages are told. */
export type VisitorEventKind = 'permissions-changed' | 'session-ended';

export interface VisitorEvent {
  readonly id: number;
  readonly kind: VisitorEventKind;
  /** The contact it concerns; null for every visitor (e.g. a configuration reload). */
  readonly contactId: string | null;
  /** The session it concerns; null for every session of the contact. */
  readonly sessionHash: string | null;
}

export type VisitorEventListener = (event: VisitorEvent) => void;

/** How often the log is read for events written by other processes (CLI commands, other instances). */
const POLL_INTERVAL_MS = 250;
/** Events are only news: once every instance has read them they can go. */
const RETENTION_MS = 10 * 60_000;
const PRUNE_EVERY_POLLS = 240;

/**
 * Visitor events travel through a table, not through memory: `portalkit roles assign` runs in another
 * process, and several server instances may share the database, so every instance reads the log and
 * tells the SSE connections it holds. Events published here are delivered at once; others within a
 * poll interval (250 ms), well inside the 2-second promise. On PostgreSQL the publisher also wakes
 * every instance (LISTEN/NOTIFY), so they read at once too; the table stays the durable record and
 * the poll the fallback when a notification is lost (a listening connection being re-opened).
 */
export class EventLog {
  readonly #listeners = new Set<VisitorEventListener>();
  #cursor = 0;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  /** A poll was asked for while one ran (which may have read before the newest insert): run again. */
  #pollAgain = false;
  #started = false;
  #pollsSincePrune = 0;
  #stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly wakeups?: EventWakeups,
  ) {}

  /** Starts reading the log from its current end. */
  async start(): Promise<void> {
    const last = await this.db.selectFrom('pk_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    this.#cursor = Number(last?.id ?? 0);
    this.#started = true;
    this.#stopListening = await this.wakeups?.listen(() => void this.poll().catch(() => undefined));
    this.#timer = setInterval(() => void this.poll().catch(() => undefined), POLL_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#stopListening?.();
    this.#stopListening = undefined;
    await this.#polling?.catch(() => undefined);
  }

  /**
   * Appends an event; a started log's listeners hear it at once, every other instance within a poll.
   * A log that was never started (a CLI command) only writes, and wakes the instances that listen.
   */
  async publish(kind: VisitorEventKind, target: { contactId?: string | null; sessionHash?: string | null } = {}): Promise<void> {
    await this.db
      .insertInto('pk_events')
      .values({ kind, contact_id: target.contactId ?? null, session_hash: target.sessionHash ?? null, at: this.clock.now() })
      .execute();
    // The row is the event; the wake-up only hurries it. A failed NOTIFY (a connection lost just now)
    // must not fail the request that caused the event: the other instances' polls still deliver it.
    await this.wakeups?.notify().catch(() => undefined);
    if (this.#started) await this.poll();
  }

  subscribe(listener: VisitorEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads and delivers new events. Calls during a read share it and trigger one more read after it. */
  poll(): Promise<void> {
    if (this.#polling) {
      this.#pollAgain = true;
      return this.#polling;
    }
    this.#polling = (async () => {
      try {
        do {
          this.#pollAgain = false;
          await this.#read();
        } while (this.#pollAgain);
      } finally {
        this.#polling = undefined;
      }
    })();
    return this.#polling;
  }

  async #read(): Promise<void> {
    if (++this.#pollsSincePrune >= PRUNE_EVERY_POLLS) {
      this.#pollsSincePrune = 0;
      await this.db.deleteFrom('pk_events').where('at', '<', this.clock.now() - RETENTION_MS).execute();
    }
    const rows = await this.db.selectFrom('pk_events').selectAll().where('id', '>', this.#cursor).orderBy('id').limit(1000).execute();
    for (const row of rows) {
      this.#cursor = Math.max(this.#cursor, Number(row.id));
      const event: VisitorEvent = {
        id: Number(row.id),
        kind: row.kind as VisitorEventKind,
        contactId: row.contact_id,
        sessionHash: row.session_hash,
      };
      for (const listener of this.#listeners) listener(event);
    }
  }
}
