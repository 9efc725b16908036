import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app/context.js';
import { Problem } from '../http/problem.js';
import { clientAddressKey } from '../http/rate-limit.js';
import { addVary } from '../permissions/http-caching.js';
import type { VisitorEvent } from './event-log.js';

/** Tunables of the event stream; tests shorten them (the values are read when a stream opens). */
export const eventStreamSettings = {
  /**
   * A comment this often keeps proxies and load balancers from closing an idle stream; at the same
   * beat a signed-in stream checks that its session is still live (it may have expired while idle).
   */
  keepAliveMs: 15_000,
  /** How long the browser waits before reconnecting (sent as `retry:`). */
  retryMs: 2_000,
  /** A client that stops reading is dropped once this much output is queued for it. */
  maxQueuedBytes: 64 * 1024,
  /**
   * Open streams per client address on one instance. A visitor has one per tab; the cap stops one
   * address from holding thousands of sockets and listeners.
   */
  maxStreamsPerAddress: 32,
};

/** Events replayed to a reconnecting browser at most, and how far back. */
const MAX_REPLAYED_EVENTS = 200;
const REPLAY_WINDOW_MS = 15 * 60_000;

/** How long a closing server waits for a stream's last bytes before cutting it. */
const END_GRACE_MS = 1_000;

/** Who a stream belongs to, fixed when it opens. */
interface StreamOwner {
  readonly contactId: string | null;
  readonly sessionHash: string | null;
}

/**
 * Whether an event reaches a stream: an event for nobody in particular (`contactId` null) reaches every
 * stream, otherwise only that contact's, and only that session's when it names one. `session-ended`
 * only concerns streams that have a session.
 */
export function reaches(event: Pick<VisitorEvent, 'kind' | 'contactId' | 'sessionHash'>, owner: StreamOwner): boolean {
  if (event.kind === 'session-ended' && owner.sessionHash === null) return false;
  if (event.contactId === null) return true;
  if (event.contactId !== owner.contactId) return false;
  return event.sessionHash === null || event.sessionHash === owner.sessionHash;
}

/**
 * `GET /events`: server-sent events telling a visitor's open pages that their permission set changed
 * (`permissions-changed`: fetch `/permissions` again) or that their session ended (`session-ended`:
 * the stream then closes). Events come from the event log (`pk_events`), so changes made by the CLI or by
 * another instance arrive too. Event data is deliberately tiny: it says *that* something changed, the
 * page asks the server *what*.
 */
export async function eventRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const open = new Set<EventStream>();
  const streamsByAddress = new Map<string, number>();

  // `preClose` runs before the HTTP server stops accepting and waits for its connections; ending the
  // streams there is what lets `close()` finish (`onClose` would run only after that wait).
  app.addHook('preClose', async () => {
    await Promise.all([...open].map((stream) => stream.end()));
  });

  app.get(
    '/events',
    {
      // A HEAD would open a stream nobody reads.
      exposeHeadRoute: false,
      schema: { querystring: { type: 'object', additionalProperties: false, properties: {} } },
    },
    async (request, reply) => {
      const address = clientAddressKey(request.ip);
      const streams = streamsByAddress.get(address) ?? 0;
      if (streams >= eventStreamSettings.maxStreamsPerAddress) {
        throw new Problem(429, 'too-many-streams', 'Too many event streams', 'Close other tabs or try again later.', { retryAfterSeconds: 30 });
      }
      streamsByAddress.set(address, streams + 1);
      request.raw.once('close', () => {
        const remaining = (streamsByAddress.get(address) ?? 1) - 1;
        if (remaining > 0) streamsByAddress.set(address, remaining);
        else streamsByAddress.delete(address);
      });
      const visitor = await context.visitors.fromRequest(request, { activity: false });
      const owner: StreamOwner = { contactId: visitor.contactId ?? null, sessionHash: visitor.session?.id_hash ?? null };
      const stream = new EventStream(owner);
      open.add(stream);
      const unsubscribe = context.events.subscribe((event) => stream.deliver(event));
      const keepAlive = setInterval(() => {
        stream.comment('keep-alive');
        if (owner.sessionHash !== null) {
          void context.sessions.live(owner.sessionHash).then(
            (live) => live || stream.sessionExpired(),
            (error: unknown) => request.log.warn({ err: error }, 'session check failed'),
          );
        }
      }, eventStreamSettings.keepAliveMs);
      keepAlive.unref();
      stream.output.once('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        open.delete(stream);
      });

      stream.output.write(`retry: ${eventStreamSettings.retryMs}\n: portalkit events\n\n`);
      const lastEventId = parseLastEventId(request.headers['last-event-id']);
      if (lastEventId !== undefined) {
        // Best effort: a page that reconnects fetches its permission set anyway.
        await replay(context, stream, lastEventId).catch((error: unknown) => request.log.warn({ err: error }, 'event replay failed'));
      }

      reply.header('Content-Type', 'text/event-stream; charset=utf-8');
      reply.header('Cache-Control', 'no-store');
      // Reverse proxies (nginx) must pass events through as they are written.
      reply.header('X-Accel-Buffering', 'no');
      addVary(reply, 'Cookie');
      // Sent as a stream so Fastify still runs the response hooks (CORS, security headers) and
      // destroys the stream when the client goes away.
      return reply.send(stream.output);
    },
  );
}

/** One open stream. */
class EventStream {
  /** What Fastify pipes to the response. */
  readonly output = new PassThrough();
  /** Events are sent in id order, each once, whether live or replayed. */
  #lastSentId = 0;
  #ended = false;

  constructor(private readonly owner: StreamOwner) {}

  deliver(event: VisitorEvent): void {
    if (this.#ended || event.id <= this.#lastSentId || !reaches(event, this.owner)) return;
    this.#lastSentId = event.id;
    this.#write(`id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(eventData(event))}\n\n`);
    if (event.kind === 'session-ended') void this.end();
  }

  /**
   * The session ended without an event (it expired while idle, or at its absolute limit): tell the
   * page as for a sign-out, then close. No `id`: it is not an event of the log.
   */
  sessionExpired(): void {
    if (this.#ended) return;
    this.#write(`event: session-ended\ndata: ${JSON.stringify({ scope: 'session' })}\n\n`);
    void this.end();
  }

  comment(text: string): void {
    if (!this.#ended) this.#write(`: ${text}\n\n`);
  }

  /**
   * Ends the stream once what was written has been handed to the response; a client that does not
   * read is cut after {@link END_GRACE_MS}.
   */
  end(): Promise<void> {
    if (!this.#ended) {
      this.#ended = true;
      this.output.end();
    }
    return new Promise((resolve) => {
      if (this.output.closed) return resolve();
      const cut = setTimeout(() => this.output.destroy(), END_GRACE_MS);
      cut.unref();
      this.output.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
    });
  }

  #write(text: string): void {
    if (this.output.writableLength > eventStreamSettings.maxQueuedBytes) {
      // The client stopped reading; drop it rather than buffer without bound. A live browser reconnects.
      this.#ended = true;
      this.output.destroy();
      return;
    }
    this.output.write(text);
  }
}

/** The event's `data`: what it concerns, never whom (ids and session hashes stay on the server). */
function eventData(event: VisitorEvent): { scope: 'site' | 'contact' | 'session' } {
  return { scope: event.contactId === null ? 'site' : event.sessionHash === null ? 'contact' : 'session' };
}

function parseLastEventId(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}

/**
 * Sends a reconnecting browser the events it missed since `Last-Event-ID`. The stream is already
 * subscribed, so an event published meanwhile is not lost; ids keep it from being sent twice.
 */
async function replay(context: ServerContext, stream: EventStream, afterId: number): Promise<void> {
  const rows = await context.db
    .selectFrom('pk_events')
    .selectAll()
    .where('id', '>', afterId)
    .where('at', '>=', context.clock.now() - REPLAY_WINDOW_MS)
    .orderBy('id')
    .limit(MAX_REPLAYED_EVENTS)
    .execute();
  for (const row of rows) {
    stream.deliver({
      id: Number(row.id),
      kind: row.kind as VisitorEvent['kind'],
      contactId: row.contact_id,
      sessionHash: row.session_hash,
    });
  }
}
