/**
 * Shared by the permission-set browser tests (permission-*.test.ts): requests to the REAL server from
 * test/wtr/portal-server-plugin.mjs, counted but never answered by anything else; direct IndexedDB access
 * to tamper with the cache the way another script on the origin could; and JWS crafting with a test key
 * generated here, for claims checks that must be shown to hold independently of signatures.
 */
import { deleteDB, openDB } from 'idb';
import type { IDBPDatabase } from 'idb';
import { executeServerCommand } from '@web/test-runner-commands';
// @ts-expect-error virtual module served by test/wtr/portal-server-plugin.mjs
import { serverUrl as pluginServerUrl } from '/__portalkit__.js';

/** The real `portalkit serve` the plugin started (no trailing slash). */
export const serverUrl: string = pluginServerUrl as string;

/** One request the SDK made, as the counting wrapper saw it. */
export interface LoggedRequest {
  readonly path: string;
  readonly ifNoneMatch: string | undefined;
  readonly status: number;
}

/**
 * A `get` for PermissionSets over the real `fetch`, logging every request and its status. `session`
 * sends the page's cookie (a signed-in visitor); `anonymous` omits it, so tests that need an anonymous
 * visitor stay anonymous whatever other test files running in the same browser do with the cookie.
 */
export function countingGet(credentials: 'session' | 'anonymous'): {
  readonly get: (path: string, headers: Record<string, string>) => Promise<Response>;
  readonly log: LoggedRequest[];
} {
  const log: LoggedRequest[] = [];
  const get = async (path: string, headers: Record<string, string>): Promise<Response> => {
    const response = await fetch(serverUrl + path, {
      headers,
      credentials: credentials === 'session' ? 'include' : 'omit',
      cache: 'no-store',
    });
    log.push({ path, ifNoneMatch: headers['If-None-Match'], status: response.status });
    return response;
  };
  return { get, log };
}

/** A fresh contact (the plugin's CLI command), so lockouts and rate limits stay per test. */
export async function freshContact(roles: string[] = []): Promise<{ id: string; email: string; password: string }> {
  const contact = await executeServerCommand<{ id: string; email: string; password: string }, { roles: string[] }>(
    'portalkit-create-contact',
    { roles },
  );
  if (!contact) throw new Error('portalkit-create-contact gave nothing');
  return contact;
}

/** Signs the page in as `login` with the server's real local sign-in; resolves with the contact id. */
export async function signIn(login: string, password: string): Promise<string> {
  const response = await fetch(`${serverUrl}/auth/local/sign-in`, {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/json', 'X-PortalKit-Request': '1' },
    body: JSON.stringify({ login, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { contact: { id: string } };
  return body.contact.id;
}

export async function signOut(): Promise<void> {
  const response = await fetch(`${serverUrl}/auth/sign-out`, {
    method: 'POST',
    credentials: 'include',
    headers: { 'X-PortalKit-Request': '1' },
  });
  if (response.status !== 204) throw new Error(`sign-out failed: ${response.status}`);
}

/** A set straight from `GET /permissions`, as the server signed it. */
export async function serverSet(credentials: 'session' | 'anonymous'): Promise<{ token: string; etag: string }> {
  const response = await fetch(`${serverUrl}/permissions`, { credentials: credentials === 'session' ? 'include' : 'omit', cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /permissions: ${response.status}`);
  return { token: await response.text(), etag: response.headers.get('ETag') ?? '' };
}

/** Opens the cache database directly, as any script on the origin could. */
export function openCacheDb(name: string): Promise<IDBPDatabase> {
  return openDB(name, 1, {
    upgrade(db) {
      for (const store of ['sets', 'meta']) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    },
  });
}

/** Deletes a cache database (connections the SDK holds close themselves on `versionchange`). */
export async function deleteCacheDb(name: string): Promise<void> {
  await deleteDB(name, {
    blocked() {
      throw new Error(`deleting ${name} is blocked: a connection ignored versionchange`);
    },
  });
}

/** Reads one cache slot directly. */
export async function readSlot(name: string, store: 'sets' | 'meta', key: string): Promise<unknown> {
  const db = await openCacheDb(name);
  try {
    return await db.get(store, key);
  } finally {
    db.close();
  }
}

/** Writes one cache slot directly (any value at all). */
export async function writeSlot(name: string, store: 'sets' | 'meta', key: string, value: unknown): Promise<void> {
  const db = await openCacheDb(name);
  try {
    await db.put(store, value, key);
  } finally {
    db.close();
  }
}

// --- JWS crafting -------------------------------------------------------------------------------

export function base64url(bytes: Uint8Array | string): string {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let binary = '';
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeSegment(segment: string): Record<string, unknown> {
  const padded = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function segments(token: string): [string, string, string] {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  return parts as [string, string, string];
}

/** A P-256 key pair made in the test, with its public JWK under `kid`, to plant in a cached JWK Set. */
export interface TestSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JsonWebKey & { kid: string };
}

export async function testSigningKey(kid = `test-${crypto.randomUUID()}`): Promise<TestSigningKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    kid,
    privateKey: pair.privateKey,
    publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid, alg: 'ES256', use: 'sig' },
  };
}

/** Signs `claims` under `header` with ES256 (WebCrypto gives the raw r‖s JWS wants). */
export async function signJws(key: TestSigningKey, claims: unknown, header: Record<string, unknown> = {}): Promise<string> {
  const head = base64url(JSON.stringify({ alg: 'ES256', kid: key.kid, typ: 'permset+jwt', ...header }));
  const body = base64url(JSON.stringify(claims));
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(`${head}.${body}`)),
  );
  return `${head}.${body}.${base64url(signature)}`;
}

/** Records unhandled promise rejections for the duration of a test file. */
export function watchUnhandledRejections(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const listener = (event: PromiseRejectionEvent): void => {
    seen.push(event.reason);
  };
  window.addEventListener('unhandledrejection', listener);
  return { seen, stop: () => window.removeEventListener('unhandledrejection', listener) };
}

// --- the warm-start mirror (localStorage) ---------------------------------------------------------

/** The mirror slot as any script on the origin sees it: parsed JSON, the raw text when not JSON, or `undefined`. */
export function readMirrorSlot(key: string): unknown {
  const raw = localStorage.getItem(key);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Writes the mirror slot directly: a string is written as is (for non-JSON garbage), anything else as JSON. */
export function writeMirrorSlot(key: string, value: unknown): void {
  localStorage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
}

/** The `kid` in a compact JWS header, or `undefined` when the header is not JSON with a string kid. */
export function headerKid(token: string): string | undefined {
  try {
    const kid = decodeSegment(token.split('.')[0] ?? '')['kid'];
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
