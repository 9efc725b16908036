/**
 * A server-sent-events client for tests: real `fetch`, the body read as a stream and parsed as the
 * EventSource specification does (fields `event`, `data`, `id`, `retry`; comment lines start with `:`).
 */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
  /** `Date.now()` when the event was parsed. */
  readonly receivedAt: number;
}

export interface SseStream {
  readonly response: Response;
  /** Every event so far, in order. */
  readonly events: SseEvent[];
  /** Comment lines so far (without the leading colon and space). */
  readonly comments: string[];
  /** `retry:` values received. */
  readonly retries: number[];
  /** Resolves when the server ends the stream (or it fails). */
  readonly ended: Promise<void>;
  isEnded(): boolean;
  /** The first event of `kind` after those a previous `next` returned; waits for it. */
  next(kind: string, timeoutMs?: number): Promise<SseEvent>;
  /** Waits until `predicate` holds, re-checked on every chunk. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  let ended = false;
  let consumed = 0;

  const read = async (): Promise<void> => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    let event = '';
    let data: string[] = [];
    let id: string | undefined;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (data.length > 0 || event) {
              events.push({ event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}), receivedAt: Date.now() });
            }
            event = '';
            data = [];
            id = undefined;
            continue;
          }
          if (line.startsWith(':')) {
            comments.push(line.slice(1).trimStart());
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
          else if (field === 'id') id = value;
          else if (field === 'retry' && /^\d+$/.test(value)) retries.push(Number(value));
        }
        notify();
      }
    } catch {
      // Aborted by the test or cut by the server: either way the stream is over.
    } finally {
      ended = true;
      notify();
    }
  };
  const endedPromise = read();

  const until = (predicate: () => boolean, timeoutMs = 3_000): Promise<void> =>
    new Promise((resolve, reject) => {
      if (predicate()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting on the event stream.`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });

  return {
    response,
    events,
    comments,
    retries,
    ended: endedPromise,
    isEnded: () => ended,
    async next(kind, timeoutMs = 3_000) {
      const find = (): number => events.findIndex((event, index) => index >= consumed && event.event === kind);
      await until(() => find() >= 0 || ended, timeoutMs);
      const index = find();
      if (index < 0) throw new Error(`The stream ended without a "${kind}" event.`);
      consumed = index + 1;
      return events[index]!;
    },
    until,
    close: () => controller.abort(),
  };
}
