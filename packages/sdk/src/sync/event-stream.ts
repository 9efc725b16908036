/** What the event stream tells its owner. */
export interface EventStreamHandlers {
  /** `permissions-changed`: fetch the permission set again. */
  readonly permissionsChanged: () => void;
  /** `session-ended`: this tab's session is over (signed out elsewhere, password changed, expired). */
  readonly sessionEnded: () => void;
  /** The stream came back after a break: events may have been missed, so revalidate. */
  readonly reconnected: () => void;
}

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  /** The absolute URL of `GET /events`. */
  readonly url: string;
  readonly handlers: EventStreamHandlers;
  /** First and longest wait before reopening a stream the browser gave up on. */
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * The visitor's server-sent event stream (`GET /events`, with the session cookie). The browser's
 * EventSource reconnects by itself after a dropped connection; when it gives up (an HTTP error such as
 * `429 too-many-streams`, or the server down at reconnect) this reopens it with exponential backoff
 * and jitter. The server fixes a stream's owner when it opens, so the client calls {@link restart}
 * whenever the visitor changes. Event data is never read: an event only says *that* something
 * changed, and the client asks the server *what*.
 */
export class EventStream {
  readonly #options: EventStreamOptions;
  #source: EventSource | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #hadOpen = false;
  #stopped = true;

  constructor(options: EventStreamOptions) {
    this.#options = options;
  }

  /** Opens the stream (no-op where EventSource does not exist). */
  start(): void {
    this.#stopped = false;
    this.#open();
  }

  /** Closes and reopens: the next stream belongs to the current session. */
  restart(): void {
    if (this.#stopped) return;
    this.#close();
    this.#hadOpen = false;
    this.#failures = 0;
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    this.#close();
  }

  #open(): void {
    if (typeof EventSource === 'undefined' || this.#stopped) return;
    const source = new EventSource(this.#options.url, { withCredentials: true });
    this.#source = source;
    const { handlers } = this.#options;
    source.addEventListener('open', () => {
      if (this.#hadOpen || this.#failures > 0) handlers.reconnected();
      this.#hadOpen = true;
      this.#failures = 0;
    });
    source.addEventListener('permissions-changed', () => handlers.permissionsChanged());
    source.addEventListener('session-ended', () => handlers.sessionEnded());
    source.addEventListener('error', () => {
      if (source !== this.#source || source.readyState !== EventSource.CLOSED) return;
      // The browser gave up on this stream; try again later ourselves.
      this.#failures += 1;
      this.#source = undefined;
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#open();
      }, this.#delay());
    });
  }

  #delay(): number {
    const min = this.#options.minRetryMs ?? 1_000;
    const max = this.#options.maxRetryMs ?? 60_000;
    const base = Math.min(max, min * 2 ** Math.min(this.#failures - 1, 16));
    return base / 2 + Math.random() * (base / 2);
  }

  #close(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#source?.close();
    this.#source = undefined;
  }
}
