/**
 * PermissionSets against the REAL companion server (test/wtr/portal-server-plugin.mjs): fetch, verify
 * with WebCrypto against the server's JWK Set, cache in IndexedDB, decide from cache with no request,
 * revalidate with ETag (a real 304), per-visitor storage, sign-in subject checks, and the memory
 * fallback when IndexedDB cannot be used. Requests are counted by wrapping the real fetch; nothing is
 * mocked.
 */
import { expect } from '@open-wc/testing';
import { openDB } from 'idb';
import { NetworkError, NotFoundError } from '../../../packages/sdk/src/errors/portal-error.js';
import { Transport } from '../../../packages/sdk/src/http/transport.js';
import { PermissionSetRejectedError } from '../../../packages/sdk/src/permissions/permission-set-rejected-error.js';
import { PermissionSets } from '../../../packages/sdk/src/permissions/permission-sets.js';
import { createPermissionCache } from '../../../packages/sdk/src/storage/create-permission-cache.js';
import { permissionCacheName } from '../../../packages/sdk/src/storage/indexeddb-cache.js';
import type { PermissionCache } from '../../../packages/sdk/src/storage/permission-cache.js';
import {
  countingGet,
  deleteCacheDb,
  freshContact,
  readSlot,
  serverSet,
  serverUrl,
  signIn,
  signOut,
  testSigningKey,
  watchUnhandledRejections,
  writeSlot,
} from './permission-support.js';

const DB = 'portalkit-test:permission-sets';
const unhandled = watchUnhandledRejections();
let caches: PermissionCache[] = [];

/** A cache on this file's database (closed after each test so the database can be deleted). */
function cache(): PermissionCache {
  const created = createPermissionCache({ server: serverUrl, databaseName: DB });
  caches.push(created);
  return created;
}

async function audience(): Promise<string> {
  const discovery = (await (await fetch(`${serverUrl}/.well-known/portalkit`)).json()) as { site: { audience: string } };
  return discovery.site.audience;
}

beforeEach(async () => {
  await deleteCacheDb(DB);
});

afterEach(() => {
  for (const open of caches) open.close();
  caches = [];
  expect(unhandled.seen, 'unhandled rejections').to.deep.equal([]);
});

after(() => unhandled.stop());

describe('PermissionSets with the real server', () => {
  it('names one IndexedDB database per server', () => {
    expect(permissionCacheName(serverUrl)).to.equal(`portalkit:${serverUrl}`);
    expect(permissionCacheName('https://a.example')).to.not.equal(permissionCacheName('https://b.example'));
  });

  it('fetches and verifies the anonymous set, learning the audience from discovery and the keys from the JWK Set', async () => {
    const { get, log } = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, get, cache: cache() });
    const set = await sets.refresh({ expectedSub: null });

    expect(set.claims.iss).to.equal(serverUrl);
    expect(set.claims.aud).to.equal(await audience());
    expect(set.claims.sub).to.equal(undefined);
    expect(set.etag).to.be.a('string').and.match(/^".+"$/);
    expect(set.rights.hasRole('Anonymous Users')).to.equal(true);
    expect(set.rights.can('read', 'announcement')).to.equal(true);
    // Protected: only signed-in roles grant these.
    expect(set.rights.can('read', 'incident')).to.equal(false);
    expect(set.rights.canReadPage('/incidents')).to.equal(false);
    expect(log.map((entry) => entry.path).sort()).to.deep.equal(['/.well-known/jwks.json', '/.well-known/portalkit', '/permissions']);

    // Stored per visitor with its ETag, the JWK Set and the facts, and the pointer to the last visitor.
    expect(await readSlot(DB, 'meta', 'current')).to.equal('anonymous');
    expect(await readSlot(DB, 'sets', 'anonymous')).to.deep.equal({ token: set.token, etag: set.etag });
    expect(await readSlot(DB, 'meta', 'facts')).to.deep.equal({ issuer: serverUrl, audience: await audience() });
    const jwks = (await readSlot(DB, 'meta', 'jwks')) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.map((key) => key.kid)).to.include(JSON.parse(atob(set.token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))).kid);
    expect(jwks.keys.every((key) => key.d === undefined)).to.equal(true);
  });

  it('decides from the cache after a reload with zero requests', async () => {
    const first = countingGet('anonymous');
    const original = await new PermissionSets({ server: serverUrl, get: first.get, cache: cache() }).refresh();

    const reload = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, get: reload.get, cache: cache() });
    const cached = await sets.readCached();
    expect(cached?.token).to.equal(original.token);
    expect(cached?.etag).to.equal(original.etag);
    expect(cached?.rights.can('read', 'announcement')).to.equal(true);
    expect(reload.log).to.deep.equal([]);
  });

  it('revalidates with If-None-Match and keeps the set on a real 304', async () => {
    const { get, log } = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, get, cache: cache() });
    const first = await sets.refresh();
    const second = await sets.refresh();
    expect(second.token).to.equal(first.token);
    const permissionRequests = log.filter((entry) => entry.path === '/permissions');
    expect(permissionRequests).to.deep.equal([
      { path: '/permissions', ifNoneMatch: undefined, status: 200 },
      { path: '/permissions', ifNoneMatch: first.etag, status: 304 },
    ]);

    // After a reload too: the held set comes from the (re-verified) cache.
    const reload = countingGet('anonymous');
    const reloaded = new PermissionSets({ server: serverUrl, get: reload.get, cache: cache() });
    expect((await reloaded.refresh()).token).to.equal(first.token);
    expect(reload.log).to.deep.equal([{ path: '/permissions', ifNoneMatch: first.etag, status: 304 }]);
  });

  it('refetches without If-None-Match when the set held has expired (a 304 cannot keep it)', async () => {
    const { get, log } = countingGet('anonymous');
    let clock = Date.now();
    const sets = new PermissionSets({ server: serverUrl, get, cache: cache(), now: () => clock });
    const first = await sets.refresh();
    clock = (first.claims.exp + 120) * 1000;
    log.length = 0;
    // The server answers 304 (same set), the set is expired by this clock, so the SDK asks again plainly;
    // the server's set is the same one, still expired by this clock: refused, not kept.
    const error = await sets.refresh().catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(PermissionSetRejectedError);
    expect((error as PermissionSetRejectedError).reason).to.equal('expired');
    expect(log).to.deep.equal([
      { path: '/permissions', ifNoneMatch: first.etag, status: 304 },
      { path: '/permissions', ifNoneMatch: undefined, status: 200 },
    ]);
    // And the cached copy is refused by this clock too, and deleted.
    const reload = new PermissionSets({ server: serverUrl, get, cache: cache(), now: () => clock });
    expect(await reload.readCached()).to.equal(null);
    expect(await readSlot(DB, 'sets', 'anonymous')).to.equal(undefined);
  });

  it('shares one request between concurrent refreshes', async () => {
    const { get, log } = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, get, cache: cache(), audience: await audience() });
    const [a, b, c] = await Promise.all([sets.refresh(), sets.refresh(), sets.refresh()]);
    expect(a).to.equal(b);
    expect(b).to.equal(c);
    expect(log.filter((entry) => entry.path === '/permissions')).to.have.length(1);
  });

  it('takes the audience option instead of discovery, and refuses sets for another audience', async () => {
    const good = countingGet('anonymous');
    await new PermissionSets({ server: serverUrl, get: good.get, cache: cache(), audience: await audience() }).refresh();
    expect(good.log.map((entry) => entry.path)).to.not.include('/.well-known/portalkit');

    await deleteCacheDb(DB);
    const wrong = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, get: wrong.get, cache: cache(), audience: 'https://another-site.example' });
    const error = await sets.refresh().catch((caught: unknown) => caught);
    expect((error as PermissionSetRejectedError).reason).to.equal('audience');
    expect(await readSlot(DB, 'sets', 'anonymous')).to.equal(undefined);
    expect(await readSlot(DB, 'meta', 'current')).to.equal(undefined);
  });

  it('refuses sets from another issuer', async () => {
    const { get } = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, issuer: 'https://impostor.example', get, cache: cache() });
    const error = await sets.refresh().catch((caught: unknown) => caught);
    expect((error as PermissionSetRejectedError).reason).to.equal('issuer');
    expect(await readSlot(DB, 'meta', 'current')).to.equal(undefined);
  });

  it('fetches the JWK Set once when the set is signed with a kid the cached JWK Set lacks', async () => {
    const planted = await testSigningKey();
    const { get, log } = countingGet('anonymous');
    await writeSlot(DB, 'meta', 'jwks', { keys: [planted.publicJwk] });
    const sets = new PermissionSets({ server: serverUrl, get, cache: cache(), audience: await audience() });
    const set = await sets.refresh();
    expect(set.claims.iss).to.equal(serverUrl);
    expect(log.map((entry) => entry.path)).to.deep.equal(['/permissions', '/.well-known/jwks.json']);
    const stored = (await readSlot(DB, 'meta', 'jwks')) as { keys: { kid: string }[] };
    expect(stored.keys.map((key) => key.kid)).to.not.include(planted.kid);
  });

  describe('signed in', () => {
    let contact: { id: string; email: string; password: string };

    before(async () => {
      contact = await freshContact();
    });

    afterEach(async () => {
      await signOut();
    });

    it('verifies the signed-in set, stores it under the contact, and opens what the Authenticated role grants', async () => {
      const id = await signIn(contact.email, contact.password);
      expect(id).to.equal(contact.id);
      const { get } = countingGet('session');
      const sets = new PermissionSets({ server: serverUrl, get, cache: cache() });
      const set = await sets.refresh({ expectedSub: id });
      expect(set.claims.sub).to.equal(id);
      expect(set.rights.hasRole('Authenticated Users')).to.equal(true);
      expect(set.rights.can('read', 'incident')).to.equal(true);
      expect(set.rights.canReadPage('/incidents')).to.equal(true);
      expect(await readSlot(DB, 'meta', 'current')).to.equal(id);
      expect(((await readSlot(DB, 'sets', id)) as { token: string }).token).to.equal(set.token);

      const reload = countingGet('session');
      const cached = await new PermissionSets({ server: serverUrl, get: reload.get, cache: cache() }).readCached();
      expect(cached?.claims.sub).to.equal(id);
      expect(cached?.rights.can('read', 'incident')).to.equal(true);
      expect(reload.log).to.deep.equal([]);
    });

    it('refuses a set for another visitor than expected and stores nothing', async () => {
      const { get } = countingGet('anonymous');
      const sets = new PermissionSets({ server: serverUrl, get, cache: cache() });
      const anonymous = await sets.refresh({ expectedSub: null });

      const id = await signIn(contact.email, contact.password);
      const session = countingGet('session');
      const signedIn = new PermissionSets({ server: serverUrl, get: session.get, cache: cache() });
      for (const expectedSub of [null, 'c0ffee00-0000-4000-8000-000000000000']) {
        const error = await signedIn.refresh({ expectedSub }).catch((caught: unknown) => caught);
        expect(error, String(expectedSub)).to.be.instanceOf(PermissionSetRejectedError);
        expect((error as PermissionSetRejectedError).reason).to.equal('subject');
        expect((error as PermissionSetRejectedError).code).to.equal('permission-set-rejected');
      }
      expect(await readSlot(DB, 'sets', id)).to.equal(undefined);
      expect(await readSlot(DB, 'meta', 'current')).to.equal('anonymous');
      expect(((await readSlot(DB, 'sets', 'anonymous')) as { token: string }).token).to.equal(anonymous.token);
    });

    it('keeps visitors apart and clear(sub) forgets only that visitor', async () => {
      const anonymous = countingGet('anonymous');
      const store = cache();
      await new PermissionSets({ server: serverUrl, get: anonymous.get, cache: store }).refresh({ expectedSub: null });
      const id = await signIn(contact.email, contact.password);
      const session = countingGet('session');
      const sets = new PermissionSets({ server: serverUrl, get: session.get, cache: store });
      await sets.refresh({ expectedSub: id });
      expect(await readSlot(DB, 'sets', 'anonymous')).to.not.equal(undefined);

      await sets.clear(id);
      expect(await readSlot(DB, 'sets', id)).to.equal(undefined);
      expect(await readSlot(DB, 'meta', 'current')).to.equal(undefined);
      expect(await readSlot(DB, 'sets', 'anonymous')).to.not.equal(undefined);
      expect(await new PermissionSets({ server: serverUrl, get: session.get, cache: cache() }).readCached()).to.equal(null);
    });

    it('does not store a refresh that was under way when the visitor was cleared', async () => {
      const id = await signIn(contact.email, contact.password);
      const { get } = countingGet('session');
      const sets = new PermissionSets({ server: serverUrl, get, cache: cache() });
      const pending = sets.refresh({ expectedSub: id });
      await sets.clear(id);
      expect((await pending).claims.sub).to.equal(id);
      expect(await readSlot(DB, 'sets', id)).to.equal(undefined);
      expect(await readSlot(DB, 'meta', 'current')).to.equal(undefined);
    });
  });

  describe('without IndexedDB', () => {
    const failing: [string, () => IDBFactory | undefined][] = [
      ['indexedDB is undefined', () => undefined],
      [
        'touching indexedDB throws',
        () => {
          throw new DOMException('The user denied permission to access the database.', 'SecurityError');
        },
      ],
      [
        'open() throws',
        () =>
          ({
            open() {
              throw new DOMException('blocked in this mode', 'InvalidStateError');
            },
          }) as unknown as IDBFactory,
      ],
    ];

    for (const [label, factory] of failing) {
      it(`falls back to memory when ${label}, and still verifies and decides`, async () => {
        const memory = createPermissionCache({ server: serverUrl, databaseName: DB, indexedDB: factory });
        caches.push(memory);
        expect(await memory.backing()).to.equal('memory');
        const { get, log } = countingGet('anonymous');
        const sets = new PermissionSets({ server: serverUrl, get, cache: memory });
        const set = await sets.refresh({ expectedSub: null });
        expect(set.rights.can('read', 'incident')).to.equal(false);
        expect((await sets.readCached())?.token).to.equal(set.token);
        expect((await sets.refresh()).token).to.equal(set.token);
        expect(log.filter((entry) => entry.path === '/permissions').map((entry) => entry.status)).to.deep.equal([200, 304]);
        // Nothing went to IndexedDB.
        expect(await readSlot(DB, 'meta', 'current')).to.equal(undefined);
      });
    }

    it('falls back to memory when the real open request fails (a newer schema left by another version)', async () => {
      const newer = await openDB(DB, 2);
      newer.close();
      const memory = createPermissionCache({ server: serverUrl, databaseName: DB });
      caches.push(memory);
      expect(await memory.backing()).to.equal('memory');
      const { get } = countingGet('anonymous');
      const sets = new PermissionSets({ server: serverUrl, get, cache: memory });
      await sets.refresh({ expectedSub: null });
      expect(await sets.readCached()).to.not.equal(null);
    });

    it('falls back to memory when the global indexedDB is shadowed by a throwing getter', async () => {
      // On the global object, Window's attributes are own properties: keep the original to restore it.
      const original = Object.getOwnPropertyDescriptor(window, 'indexedDB') ?? Object.getOwnPropertyDescriptor(Window.prototype, 'indexedDB');
      expect(original).to.not.equal(undefined);
      Object.defineProperty(window, 'indexedDB', {
        configurable: true,
        get() {
          throw new DOMException('denied', 'SecurityError');
        },
      });
      try {
        const memory = createPermissionCache({ server: serverUrl, databaseName: DB });
        caches.push(memory);
        expect(await memory.backing()).to.equal('memory');
        const { get } = countingGet('anonymous');
        const sets = new PermissionSets({ server: serverUrl, get, cache: memory });
        await sets.refresh();
        expect(await sets.readCached()).to.not.equal(null);
      } finally {
        Object.defineProperty(window, 'indexedDB', original!);
      }
      expect(typeof indexedDB.open).to.equal('function');
    });

    it('carries on when the database is deleted under it (another tab), reopening it', async () => {
      const store = cache();
      const { get } = countingGet('anonymous');
      const sets = new PermissionSets({ server: serverUrl, get, cache: store });
      await sets.refresh();
      expect(await store.backing()).to.equal('indexeddb');
      await deleteCacheDb(DB);
      expect(await new PermissionSets({ server: serverUrl, get, cache: store }).readCached()).to.equal(null);
      await sets.refresh();
      expect(await store.backing()).to.equal('indexeddb');
      expect(await readSlot(DB, 'meta', 'current')).to.equal('anonymous');
    });
  });

  it('through the SDK transport: an unreachable server is a NetworkError and the cached set still decides', async () => {
    const transport = new Transport({ server: serverUrl });
    const store = cache();
    const online = new PermissionSets({ server: serverUrl, get: (path, headers) => transport.request(path, { headers }), cache: store });
    const set = await online.refresh();

    // Port 9 on loopback: nothing listens, the connection is refused.
    const offline = new Transport({ server: 'http://127.0.0.1:9' });
    const sets = new PermissionSets({ server: serverUrl, get: (path, headers) => offline.request(path, { headers }), cache: store });
    expect((await sets.readCached())?.token).to.equal(set.token);
    const error = await sets.refresh().catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(NetworkError);
    // Offline reload: still decides from the cache.
    const reload = new PermissionSets({ server: serverUrl, get: (path, headers) => offline.request(path, { headers }), cache: store });
    expect((await reload.readCached())?.rights.can('read', 'announcement')).to.equal(true);
  });

  it('a server without the PortalKit routes answers with a typed error, and nothing is stored', async () => {
    // The test page's own server (web-test-runner) is real but has no /permissions: a 404.
    const transport = new Transport({ server: location.origin });
    const sets = new PermissionSets({ server: location.origin, audience: 'x', get: (path, headers) => transport.request(path, { headers }), cache: cache() });
    const error = await sets.refresh().catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(NotFoundError);
    expect(await readSlot(DB, 'meta', 'current')).to.equal(undefined);
  });

  it('serverSet helper and the SDK agree on what the server sends', async () => {
    const direct = await serverSet('anonymous');
    const { get } = countingGet('anonymous');
    const set = await new PermissionSets({ server: serverUrl, get, cache: cache() }).refresh();
    expect(set.etag).to.equal(direct.etag);
    expect(set.token).to.equal(direct.token);
  });
});
