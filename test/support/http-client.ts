/**
 * A small HTTP client for tests against a real server on 127.0.0.1: real `fetch`, plus a cookie jar
 * and the headers the SDK sends (an allowed `Origin`, `X-PortalKit-Request: 1`), each overridable so
 * hostile tests can leave them out or forge them.
 */
export interface TestResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly headers?: Record<string, string | undefined>;
  /** Raw body (sent as is); otherwise `json` is serialised. */
  readonly raw?: string;
  readonly json?: unknown;
}

export class TestClient {
  /** Cookie name → value, as a browser would keep them for this server. */
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly origin: string = baseUrl,
  ) {}

  get<T = any>(path: string, options: RequestOptions = {}): Promise<TestResponse<T>> {
    return this.request('GET', path, options);
  }

  post<T = any>(path: string, json?: unknown, options: RequestOptions = {}): Promise<TestResponse<T>> {
    return this.request('POST', path, { ...options, ...(json !== undefined ? { json } : {}) });
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = {};
    if (method !== 'GET' && method !== 'HEAD') {
      headers['origin'] = this.origin;
      headers['x-portalkit-request'] = '1';
    }
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value === undefined) delete headers[name.toLowerCase()];
      else headers[name.toLowerCase()] = value;
    }
    const body = options.raw ?? (options.json !== undefined ? JSON.stringify(options.json) : undefined);
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) this.#storeCookie(setCookie);
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** A second client sharing nothing with this one (another browser). */
  fresh(): TestClient {
    return new TestClient(this.baseUrl, this.origin);
  }

  /** A copy with the same cookies (a second tab, or an attacker who stole them). */
  clone(): TestClient {
    const copy = new TestClient(this.baseUrl, this.origin);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  #storeCookie(header: string): void {
    const [pair = '', ...attributes] = header.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key = '', val = ''] = attribute.split('=');
      return (key.trim().toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) ||
        (key.trim().toLowerCase() === 'max-age' && Number(val) <= 0);
    });
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}
