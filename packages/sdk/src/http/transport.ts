import { NetworkError } from '../errors/portal-error.js';
import { errorFromResponse } from '../errors/from-response.js';

/** Options of a {@link Transport}. */
export interface TransportOptions {
  /** The companion server's origin (and optional base path); a trailing slash is dropped. */
  readonly server: string;
  /** The fetch to use; the global one by default. */
  readonly fetch?: typeof fetch;
}

/** One request: like `RequestInit`, but `body` is any JSON value and headers are a plain record. */
export interface TransportRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON (with `Content-Type: application/json`) when not `undefined`. */
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/**
 * Every HTTP request the SDK makes to the companion server goes through here: credentials included
 * (the session cookie), `X-PortalKit-Request: 1` on state-changing methods (the server's CSRF guard),
 * JSON bodies, and failures turned into typed errors. Paths are server-relative only, so a caller
 * can never make the SDK send the visitor's cookie to another origin.
 */
export class Transport {
  /** The server origin, without a trailing slash. */
  readonly server: string;
  readonly #fetch: typeof fetch;

  constructor(options: TransportOptions) {
    this.server = normalizeServer(options.server);
    // Bound: a detached `fetch` throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The absolute URL of a server path (`/me`). */
  url(path: string): string {
    if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) {
      throw new TypeError(`Server paths start with one "/": ${JSON.stringify(path.slice(0, 40))}`);
    }
    return this.server + path;
  }

  /**
   * Sends a request and returns the response whatever its status (callers that need 304 or a
   * Location header read it themselves). Throws {@link NetworkError} when no response arrives.
   */
  async request(path: string, init: TransportRequestInit = {}): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...init.headers };
    if (method !== 'GET' && method !== 'HEAD') headers['X-PortalKit-Request'] = '1';
    let body: string | undefined;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['Content-Type'] = 'application/json';
    }
    const url = this.url(path);
    try {
      return await this.#fetch(url, {
        method,
        headers,
        credentials: 'include',
        // Permission sets and profiles must not come from a stale HTTP cache; ETags do the revalidation.
        cache: 'no-store',
        ...(body !== undefined ? { body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new NetworkError(`Could not reach ${this.server}`, { status: 0, code: 'network-error', cause: error });
    }
  }

  /**
   * Sends a request and parses the JSON answer; a non-2xx answer becomes the matching typed
   * {@link PortalError} subclass. A 204 (or empty body) yields `undefined`.
   */
  async json<T>(path: string, init: TransportRequestInit = {}): Promise<T> {
    const response = await this.request(path, init);
    if (!response.ok) throw await errorFromResponse(response);
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new NetworkError('The server sent a response that is not JSON', { status: response.status, code: 'malformed-response', cause: error });
    }
  }
}

/** Validates and normalises a server address: http(s) only, no credentials, query or fragment. */
export function normalizeServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new TypeError(`Not a server URL: ${JSON.stringify(server.slice(0, 80))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`The server must be an http(s) URL, not ${url.protocol}`);
  if (url.username || url.password || url.search || url.hash) throw new TypeError('The server URL may not hold credentials, a query or a fragment');
  return (url.origin + url.pathname).replace(/\/+$/, '');
}
