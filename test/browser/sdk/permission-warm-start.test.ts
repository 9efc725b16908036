/**
 * The warm-start mirror against the REAL server: what refresh() writes to localStorage (the current
 * visitor's set, its public key, issuer and audience; nothing private), a reload deciding from it
 * without touching IndexedDB and with no request, revalidation with its ETag, sign-in replacing it,
 * clear()/sign-out removing it, and pages where localStorage is missing or throws carrying on with
 * IndexedDB alone. Hostile mirror contents are in permission-cache-attacks.test.ts.
 */
import { expect } from '@open-wc/testing';
import { PermissionSets } from '../../../packages/sdk/src/permissions/permission-sets.js';
import { createPermissionCache } from '../../../packages/sdk/src/storage/create-permission-cache.js';
import type { CacheStore, PermissionCache } from '../../../packages/sdk/src/storage/permission-cache.js';
import { createWarmStartMirror, warmStartMirrorKey } from '../../../packages/sdk/src/storage/warm-start-mirror.js';
import type { WarmStartMirror } from '../../../packages/sdk/src/storage/warm-start-mirror.js';
import {
  countingGet,
  deleteCacheDb,
  freshContact,
  headerKid,
  readMirrorSlot,
  readSlot,
  serverUrl,
  signIn,
  signOut,
  watchUnhandledRejections,
} from './permission-support.js';

const DB = 'portalkit-test:permission-warm-start';
const MIRROR = 'portalkit-test:permission-warm-start:mirror';
const unhandled = watchUnhandledRejections();
let caches: PermissionCache[] = [];

function cache(): PermissionCache {
  const created = createPermissionCache({ server: serverUrl, databaseName: DB });
  caches.push(created);
  return created;
}

function mirror(storage?: () => Storage | undefined): WarmStartMirror {
  return createWarmStartMirror({ server: serverUrl, key: MIRROR, ...(storage ? { storage } : {}) });
}

/** A cache that records every call, to show which reads a reload makes. */
function recording(inner: PermissionCache): { cache: PermissionCache; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    cache: {
      readCurrent: () => (calls.push('readCurrent'), inner.readCurrent()),
      get: (store: CacheStore, key: string) => (calls.push(`get ${store}/${key}`), inner.get(store, key)),
      put: (store: CacheStore, key: string, value: unknown) => (calls.push(`put ${store}/${key}`), inner.put(store, key, value)),
      delete: (store: CacheStore, key: string) => (calls.push(`delete ${store}/${key}`), inner.delete(store, key)),
      backing: () => inner.backing(),
      close: () => inner.close(),
    },
  };
}

/** A real localStorage whose writes fail as a full quota does, and optionally whose reads throw too. */
function failingStorage(reads: boolean): () => Storage {
  const quota = (): never => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  return () =>
    ({
      getItem: (key: string) => (reads ? quota() : localStorage.getItem(key)),
      setItem: quota,
      removeItem: (key: string) => (reads ? quota() : localStorage.removeItem(key)),
    }) as unknown as Storage;
}

async function audience(): Promise<string> {
  return ((await (await fetch(`${serverUrl}/.well-known/portalkit`)).json()) as { site: { audience: string } }).site.audience;
}

beforeEach(async () => {
  await deleteCacheDb(DB);
  localStorage.removeItem(MIRROR);
});

afterEach(() => {
  for (const open of caches) open.close();
  caches = [];
  expect(unhandled.seen, 'unhandled rejections').to.deep.equal([]);
});

after(() => unhandled.stop());

describe('the warm-start mirror with the real server', () => {
  it('is keyed per server', () => {
    expect(warmStartMirrorKey(serverUrl)).to.equal(`portalkit:${serverUrl}:current`);
    expect(warmStartMirrorKey('https://a.example')).to.not.equal(warmStartMirrorKey('https://b.example'));
  });

  it('holds the current set, the public key for its kid, the issuer and the audience after refresh()', async () => {
    const set = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror() }).refresh({ expectedSub: null });
    const entry = readMirrorSlot(MIRROR) as Record<string, unknown> & { jwk: Record<string, unknown> };
    expect(entry).to.deep.include({ v: 1, visitor: 'anonymous', token: set.token, etag: set.etag, issuer: serverUrl, audience: await audience() });
    expect(Object.keys(entry.jwk).sort()).to.deep.equal(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(entry.jwk).to.deep.include({ kty: 'EC', crv: 'P-256', kid: headerKid(set.token), alg: 'ES256', use: 'sig' });
  });

  it('lets a reload decide with no request and no IndexedDB access, then revalidate with its ETag (a real 304)', async () => {
    const original = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror() }).refresh();

    const { cache: spied, calls } = recording(cache());
    const reload = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, get: reload.get, cache: spied, mirror: mirror() });
    const cached = await sets.readCached();
    expect(cached?.token).to.equal(original.token);
    expect(cached?.etag).to.equal(original.etag);
    expect(cached?.rights.can('read', 'announcement')).to.equal(true);
    expect(reload.log).to.deep.equal([]);
    expect(calls, 'cache calls before the decision').to.deep.equal([]);

    expect((await sets.refresh()).token).to.equal(original.token);
    expect(reload.log.filter((entry) => entry.path === '/permissions')).to.deep.equal([{ path: '/permissions', ifNoneMatch: original.etag, status: 304 }]);
  });

  it('is rewritten from IndexedDB when it is missing (a page that ran before the mirror existed)', async () => {
    const original = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror() }).refresh();
    localStorage.removeItem(MIRROR);
    expect((await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror() }).readCached())?.token).to.equal(original.token);
    expect((readMirrorSlot(MIRROR) as { token: string }).token).to.equal(original.token);
  });

  it('is used by default (per server) when the cache is the default one, and not when the caller brings a cache', async () => {
    // The default slot is shared with every client of this server: other files' clients may have left one.
    localStorage.removeItem(warmStartMirrorKey(serverUrl));
    const own = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache() }).refresh();
    expect(localStorage.getItem(warmStartMirrorKey(serverUrl))).to.equal(null);

    const defaults = new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get });
    try {
      const set = await defaults.refresh();
      expect(set.token).to.equal(own.token);
      expect((readMirrorSlot(warmStartMirrorKey(serverUrl)) as { token: string }).token).to.equal(set.token);
      await defaults.clear();
      expect(localStorage.getItem(warmStartMirrorKey(serverUrl))).to.equal(null);
    } finally {
      localStorage.removeItem(warmStartMirrorKey(serverUrl));
      // The default database, which the SDK's connection gives up on versionchange.
      await deleteCacheDb(`portalkit:${serverUrl}`);
    }
  });

  it('drops an entry for an expired set on read, and IndexedDB (expired too) gives nothing', async () => {
    const issued = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror() }).refresh();
    const later = (issued.claims.exp + 120) * 1000;
    const reload = new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror(), now: () => later });
    expect(await reload.readCached()).to.equal(null);
    expect(readMirrorSlot(MIRROR)).to.equal(undefined);
    expect(await readSlot(DB, 'meta', 'current')).to.equal(undefined);
  });

  describe('signed in', () => {
    let contact: { id: string; email: string; password: string };

    before(async () => {
      contact = await freshContact();
    });

    it('follows the visitor: sign-in replaces the entry, clear(other) keeps it, clear(sub) removes it before any await', async () => {
      const store = cache();
      await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: store, mirror: mirror() }).refresh({ expectedSub: null });
      const id = await signIn(contact.email, contact.password);
      try {
        const sets = new PermissionSets({ server: serverUrl, get: countingGet('session').get, cache: store, mirror: mirror() });
        const set = await sets.refresh({ expectedSub: id });
        expect(readMirrorSlot(MIRROR)).to.deep.include({ visitor: id, token: set.token });

        await sets.clear(null);
        expect(readMirrorSlot(MIRROR)).to.deep.include({ visitor: id });

        const clearing = sets.clear(id);
        expect(readMirrorSlot(MIRROR), 'removed synchronously').to.equal(undefined);
        await clearing;
        const reload = new PermissionSets({ server: serverUrl, get: countingGet('session').get, cache: cache(), mirror: mirror() });
        expect(await reload.readCached()).to.equal(null);
      } finally {
        await signOut();
      }
    });

    it('clear() of the current visitor removes it, and a read under way returns nothing', async () => {
      const id = await signIn(contact.email, contact.password);
      try {
        await new PermissionSets({ server: serverUrl, get: countingGet('session').get, cache: cache(), mirror: mirror() }).refresh({ expectedSub: id });
        const sets = new PermissionSets({ server: serverUrl, get: countingGet('session').get, cache: cache(), mirror: mirror() });
        const reading = sets.readCached();
        await sets.clear();
        expect(await reading).to.equal(null);
        expect(readMirrorSlot(MIRROR)).to.equal(undefined);
        expect(await sets.readCached()).to.equal(null);
      } finally {
        await signOut();
      }
    });
  });

  describe('when localStorage is unavailable', () => {
    const unavailable: [string, () => Storage | undefined][] = [
      ['missing', () => undefined],
      [
        'touching it throws (sandboxed frame)',
        () => {
          throw new DOMException('Access is denied for this document.', 'SecurityError');
        },
      ],
      ['every call throws', failingStorage(true)],
    ];

    for (const [label, storage] of unavailable) {
      it(`carries on with IndexedDB when it is ${label}`, async () => {
        const { get, log } = countingGet('anonymous');
        const set = await new PermissionSets({ server: serverUrl, get, cache: cache(), mirror: mirror(storage) }).refresh({ expectedSub: null });
        const sets = new PermissionSets({ server: serverUrl, get, cache: cache(), mirror: mirror(storage) });
        expect((await sets.readCached())?.token).to.equal(set.token);
        expect((await sets.refresh()).token).to.equal(set.token);
        await sets.clear();
        expect(await sets.readCached()).to.equal(null);
        expect(log.filter((entry) => entry.path === '/permissions').map((entry) => entry.status)).to.deep.equal([200, 304]);
        expect(localStorage.getItem(MIRROR)).to.equal(null);
      });
    }

    it('removes the previous entry when writing the new one fails (quota): no stale visitor is left behind', async () => {
      const contact = await freshContact();
      const id = await signIn(contact.email, contact.password);
      try {
        await new PermissionSets({ server: serverUrl, get: countingGet('session').get, cache: cache(), mirror: mirror() }).refresh({ expectedSub: id });
        expect(readMirrorSlot(MIRROR)).to.deep.include({ visitor: id });
      } finally {
        await signOut();
      }
      // Reads and removals work; writes fail as a full quota does.
      const anonymous = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror(failingStorage(false)) }).refresh({ expectedSub: null });
      expect(readMirrorSlot(MIRROR)).to.equal(undefined);
      expect((await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache(), mirror: mirror() }).readCached())?.token).to.equal(anonymous.token);
    });

    it('carries on when the global localStorage is shadowed by a throwing getter', async () => {
      const original = Object.getOwnPropertyDescriptor(window, 'localStorage') ?? Object.getOwnPropertyDescriptor(Window.prototype, 'localStorage');
      expect(original).to.not.equal(undefined);
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() {
          throw new DOMException('denied', 'SecurityError');
        },
      });
      try {
        const { get } = countingGet('anonymous');
        const set = await new PermissionSets({ server: serverUrl, get, cache: cache(), mirror: createWarmStartMirror({ server: serverUrl, key: MIRROR }) }).refresh();
        const reload = new PermissionSets({ server: serverUrl, get, cache: cache(), mirror: createWarmStartMirror({ server: serverUrl, key: MIRROR }) });
        expect((await reload.readCached())?.token).to.equal(set.token);
        await reload.clear();
      } finally {
        Object.defineProperty(window, 'localStorage', original!);
      }
      expect(localStorage.getItem(MIRROR)).to.equal(null);
    });
  });
});
