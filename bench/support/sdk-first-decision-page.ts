/**
 * The page the first-decision benchmark (bench/sdk-first-decision.ts) loads. Bundled with esbuild.
 * Query: `server` (the portal server URL) and `mode`:
 * - `warm`: creates the client and waits for its first settled state, which fills the caches;
 * - `measure`: the goal's path: `createPortalClient({ server })` → the first state that is not
 *   `loading` (from the warm-start mirror in localStorage, verified) → `client.can(...)`; then lets the
 *   background revalidation run and reports the requests to the server that started before the decision;
 * - `idb`: the IndexedDB-only path for comparison: `new PermissionSets({ mirror: null })` →
 *   `readCached()` (open the database, read, verify) → `rights.can(...)`;
 * - `crypto`: the parts of the mirror path timed separately with raw WebCrypto on the stored entry:
 *   the localStorage read and JSON parse, `importKey` of its JWK, and the ES256 `verify`;
 * - `floor`: raw IndexedDB open and the same reads, no verification (the floor of any IndexedDB cache).
 */
import { createPortalClient } from '../../packages/sdk/src/index.js';
import { PermissionSets } from '../../packages/sdk/src/permissions/permission-sets.js';
import { createPermissionCache } from '../../packages/sdk/src/storage/create-permission-cache.js';
import { warmStartMirrorKey } from '../../packages/sdk/src/storage/warm-start-mirror.js';

export type FirstDecisionMode = 'warm' | 'measure' | 'idb' | 'crypto' | 'floor';

/** What the page reports to the benchmark through `window.__pkResult`. */
export interface FirstDecisionResult {
  readonly mode: FirstDecisionMode;
  /** Milliseconds from creating the client (or cache) to the first decision. */
  readonly firstDecisionMs: number;
  /** `idb`/`floor`: opening the IndexedDB database; `crypto`: `importKey`. */
  readonly openMs: number;
  /** `crypto`: the localStorage read and parse. */
  readonly readMs: number;
  /** `crypto`: the ES256 verification. */
  readonly verifyMs: number;
  /** Whether the first decision came from a verified cached set (no request had started before it). */
  readonly fromCache: boolean;
  readonly decision: boolean;
  /** Requests to the portal server that started before the decision (resource timing). */
  readonly requestsBeforeDecision: number;
  /** Requests to the portal server in all, including the background revalidation. */
  readonly requestsTotal: number;
  readonly error?: string;
}

declare global {
  interface Window {
    __pkResult?: FirstDecisionResult;
  }
}

const params = new URLSearchParams(location.search);
const server = params.get('server') ?? '';
const requested = params.get('mode');
const MODES: readonly FirstDecisionMode[] = ['warm', 'measure', 'idb', 'crypto', 'floor'];
const mode: FirstDecisionMode = MODES.find((known) => known === requested) ?? 'measure';

const base = { openMs: Number.NaN, readMs: Number.NaN, verifyMs: Number.NaN, requestsBeforeDecision: 0, requestsTotal: 0 };

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function serverRequests(): PerformanceResourceTiming[] {
  return (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => entry.name.startsWith(`${server}/`));
}

/** Waits (up to 3 s) until a `/permissions` response has completed: the background revalidation. */
async function revalidated(): Promise<void> {
  const until = performance.now() + 3_000;
  while (performance.now() < until) {
    if (serverRequests().some((entry) => new URL(entry.name).pathname === '/permissions' && entry.responseEnd > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The goal's path, through the public client. */
async function client(): Promise<FirstDecisionResult> {
  const start = performance.now();
  const portal = createPortalClient({ server });
  const decided = new Promise<{ at: number; decision: boolean }>((resolve) => {
    const unsubscribe = portal.subscribe((state) => {
      if (state.status === 'loading') return;
      const decision = portal.can('read', 'announcement');
      resolve({ at: performance.now(), decision });
      unsubscribe();
    });
  });
  const { at, decision } = await decided;
  if (mode === 'measure') await revalidated();
  const fromServer = serverRequests();
  const before = fromServer.filter((entry) => entry.startTime < at).length;
  portal.dispose();
  return {
    ...base,
    mode,
    firstDecisionMs: at - start,
    fromCache: before === 0,
    decision,
    requestsBeforeDecision: before,
    requestsTotal: fromServer.length,
  };
}

/** The IndexedDB-only path (no mirror), with the open timed. */
async function indexedDbOnly(): Promise<FirstDecisionResult> {
  const start = performance.now();
  const cache = createPermissionCache({ server });
  const sets = new PermissionSets({
    server,
    cache,
    mirror: null,
    get: (path, headers) => fetch(server + path, { headers, credentials: 'include', cache: 'no-store' }),
  });
  await cache.backing();
  const opened = performance.now();
  const cached = await sets.readCached();
  const decision = cached?.rights.can('read', 'announcement') ?? false;
  const decidedAt = performance.now();
  cache.close();
  return { ...base, mode, firstDecisionMs: decidedAt - start, openMs: opened - start, fromCache: cached !== null, decision };
}

/** The mirror path's parts with raw WebCrypto: read + parse, importKey, verify. */
async function cryptoParts(): Promise<FirstDecisionResult> {
  const start = performance.now();
  const entry = JSON.parse(localStorage.getItem(warmStartMirrorKey(server)) ?? 'null') as { token: string; jwk: { kty: string; crv: string; x: string; y: string } } | null;
  const read = performance.now();
  if (!entry) throw new Error('no mirror entry');
  const { kty, crv, x, y } = entry.jwk;
  const key = await crypto.subtle.importKey('jwk', { kty, crv, x, y, ext: false }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const imported = performance.now();
  const [head, body, signature] = entry.token.split('.') as [string, string, string];
  const bytes = Uint8Array.from(atob(signature.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0));
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes, new TextEncoder().encode(`${head}.${body}`));
  const verified = performance.now();
  return {
    ...base,
    mode,
    firstDecisionMs: verified - start,
    readMs: read - start,
    openMs: imported - read,
    verifyMs: verified - imported,
    fromCache: valid,
    decision: valid,
  };
}

/** The anchor: raw IndexedDB, same database and entries, nothing else. */
async function floor(): Promise<FirstDecisionResult> {
  const start = performance.now();
  const db = await request(indexedDB.open(`portalkit:${server}`, 1));
  const opened = performance.now();
  const tx = db.transaction(['sets', 'meta'], 'readonly');
  const meta = tx.objectStore('meta');
  const [current] = await Promise.all([request(meta.get('current')), request(meta.get('jwks')), request(meta.get('facts'))]);
  const set: unknown = await request(tx.objectStore('sets').get(current as string));
  const done = performance.now();
  db.close();
  return { ...base, mode, firstDecisionMs: done - start, openMs: opened - start, fromCache: set !== undefined, decision: set !== undefined };
}

const run = { warm: client, measure: client, idb: indexedDbOnly, crypto: cryptoParts, floor }[mode];
run().then(
  (result) => (window.__pkResult = result),
  (error: unknown) =>
    (window.__pkResult = {
      ...base,
      mode,
      firstDecisionMs: Number.NaN,
      fromCache: false,
      decision: false,
      requestsBeforeDecision: Number.NaN,
      requestsTotal: Number.NaN,
      error: String(error),
    }),
);
