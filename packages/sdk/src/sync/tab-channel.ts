/** What one tab tells the others. Only a nudge: receivers revalidate with the server. */
export type TabMessageKind = 'visitor-changed' | 'permissions-changed';

const VERSION = 1;

/**
 * Keeps a server's tabs in step through a BroadcastChannel named `portalkit:<server>`. A message carries
 * no rights and no identity: it only makes the other tabs re-read their verified cache and refetch the
 * permission set, so a forged message can at most cause a refresh. Where BroadcastChannel does not
 * exist this does nothing (each tab still hears `/events`).
 */
export class TabChannel {
  readonly #channel: BroadcastChannel | undefined;

  constructor(server: string, onMessage: (kind: TabMessageKind) => void) {
    if (typeof BroadcastChannel === 'undefined') return;
    this.#channel = new BroadcastChannel(`portalkit:${server}`);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      const kind = parseMessage(event.data);
      if (kind) onMessage(kind);
    };
  }

  post(kind: TabMessageKind): void {
    try {
      this.#channel?.postMessage({ v: VERSION, kind });
    } catch {
      // A closed channel (page unloading): the other tabs still hear /events.
    }
  }

  close(): void {
    this.#channel?.close();
  }
}

function parseMessage(data: unknown): TabMessageKind | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { v, kind } = data as { v?: unknown; kind?: unknown };
  if (v !== VERSION) return undefined;
  return kind === 'visitor-changed' || kind === 'permissions-changed' ? kind : undefined;
}
