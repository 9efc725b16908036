/**
 * Hostile cache contents. The cache is IndexedDB, which every script on the origin (and anyone with the
 * device) can write, so nothing read back is trusted: each case plants something in the real database,
 * then a fresh PermissionSets (a page reload) must refuse it from readCached() with no request, delete
 * the entry, keep protected decisions closed, and refresh() must fetch a valid set from the REAL server
 * after which the cache decides again. Claims checks (exp, nbf, iat, aud, iss, typ, sub) are proven
 * independently of signatures with a test key generated here and planted in the cached JWK Set: the
 * control case shows such a set IS accepted, so each rejection is the check's doing.
 *
 * The warm-start mirror (one localStorage slot with the current visitor's set, its key and facts) is
 * writable by the same scripts, so every tampered token and bad claim above is planted there too, along
 * with hostile entry shapes: each must be refused with no request, removed (or replaced by the genuine
 * IndexedDB set), and fall back to IndexedDB, or to nothing and a refetch; decisions stay closed.
 */
import { expect } from '@open-wc/testing';
import { PermissionSets } from '../../../packages/sdk/src/permissions/permission-sets.js';
import type { VerifiedPermissionSet } from '../../../packages/sdk/src/permissions/permission-sets.js';
import { createPermissionCache } from '../../../packages/sdk/src/storage/create-permission-cache.js';
import type { PermissionCache } from '../../../packages/sdk/src/storage/permission-cache.js';
import { createWarmStartMirror } from '../../../packages/sdk/src/storage/warm-start-mirror.js';
import type { WarmStartMirror } from '../../../packages/sdk/src/storage/warm-start-mirror.js';
import {
  base64url,
  countingGet,
  decodeSegment,
  deleteCacheDb,
  freshContact,
  headerKid,
  readMirrorSlot,
  readSlot,
  segments,
  serverSet,
  serverUrl,
  signIn,
  signJws,
  signOut,
  testSigningKey,
  watchUnhandledRejections,
  writeMirrorSlot,
  writeSlot,
} from './permission-support.js';
import type { TestSigningKey } from './permission-support.js';

const DB = 'portalkit-test:permission-attacks';
/** This file's mirror slot (the default would be `portalkit:<server>:current`). */
const MIRROR = 'portalkit-test:permission-attacks:mirror';
/** A database left empty, for reloads that find nothing in IndexedDB. */
const EMPTY_DB = 'portalkit-test:permission-attacks:empty';
const unhandled = watchUnhandledRejections();
let caches: PermissionCache[] = [];

/** Facts gathered once from the real server. */
let audience: string;
let serverJwks: { keys: Record<string, unknown>[] };
let anonymous: { token: string; etag: string };
let visitorX: { id: string; token: string; etag: string };
let visitorY: { id: string; token: string; etag: string };
let planted: TestSigningKey;

function cache(databaseName = DB): PermissionCache {
  const created = createPermissionCache({ server: serverUrl, databaseName });
  caches.push(created);
  return created;
}

/** What a page shows protected content on: only the Authenticated role grants these. */
function protectedOpen(set: VerifiedPermissionSet | null): boolean {
  return Boolean(set && (set.rights.can('read', 'incident') || set.rights.canReadPage('/incidents')));
}

const now = (): number => Math.floor(Date.now() / 1000);

/** The anonymous set's claims with fresh times, for crafting with the planted key. */
function craftedClaims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...decodeSegment(segments(anonymous.token)[1]), iat: now() - 10, exp: now() + 300, ...changes };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return claims;
}

/** A healthy cache: the server's JWK Set plus the planted key, the facts, and the anonymous set as current. */
async function seedHealthyCache(): Promise<void> {
  await writeSlot(DB, 'meta', 'jwks', { keys: [...serverJwks.keys, planted.publicJwk] });
  await writeSlot(DB, 'meta', 'facts', { issuer: serverUrl, audience });
  await writeSlot(DB, 'sets', 'anonymous', { token: anonymous.token, etag: anonymous.etag });
  await writeSlot(DB, 'meta', 'current', 'anonymous');
}

async function plantSet(key: string, token: unknown): Promise<void> {
  await writeSlot(DB, 'sets', key, typeof token === 'string' ? { token, etag: '"planted"' } : token);
  await writeSlot(DB, 'meta', 'current', key);
}

before(async () => {
  audience = ((await (await fetch(`${serverUrl}/.well-known/portalkit`)).json()) as { site: { audience: string } }).site.audience;
  serverJwks = (await (await fetch(`${serverUrl}/.well-known/jwks.json`)).json()) as typeof serverJwks;
  anonymous = await serverSet('anonymous');
  planted = await testSigningKey();
  // Two real signed-in sets, taken straight from the server.
  // The browser's cookie jar is shared with other test files running at the same time: retry if another
  // file's sign-in or sign-out slipped in between ours and the fetch.
  const signedInSet = async (): Promise<{ id: string; token: string; etag: string }> => {
    const contact = await freshContact();
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = await signIn(contact.email, contact.password);
      const set = await serverSet('session');
      await signOut();
      if (decodeSegment(segments(set.token)[1])['sub'] === id) return { id, ...set };
    }
    throw new Error('could not get a signed-in set');
  };
  visitorX = await signedInSet();
  visitorY = await signedInSet();
  expect(decodeSegment(segments(visitorX.token)[1])['sub']).to.equal(visitorX.id);
});

beforeEach(async () => {
  await deleteCacheDb(DB);
  await deleteCacheDb(EMPTY_DB);
  await seedHealthyCache();
  localStorage.removeItem(MIRROR);
});

afterEach(() => {
  for (const open of caches) open.close();
  caches = [];
  expect(unhandled.seen, 'unhandled rejections').to.deep.equal([]);
});

after(() => unhandled.stop());

/**
 * The outcome every attack must have: refused from cache with no request, the named slots deleted,
 * protected content closed, a valid set fetched by refresh(), and the cache deciding again after it.
 */
async function expectRefusedAndHealed(deleted: readonly (readonly ['sets' | 'meta', string])[]): Promise<void> {
  const { get, log } = countingGet('anonymous');
  const reload = new PermissionSets({ server: serverUrl, get, cache: cache() });
  const cached = await reload.readCached();
  expect(cached, 'readCached()').to.equal(null);
  expect(protectedOpen(cached)).to.equal(false);
  expect(log, 'requests while reading the cache').to.deep.equal([]);
  for (const [store, key] of deleted) expect(await readSlot(DB, store, key), `${store}/${key} deleted`).to.equal(undefined);

  const fresh = await reload.refresh({ expectedSub: null });
  expect(fresh.claims.iss).to.equal(serverUrl);
  expect(fresh.claims.sub).to.equal(undefined);
  expect(protectedOpen(fresh)).to.equal(false);
  expect(log.some((entry) => entry.path === '/permissions' && entry.status === 200)).to.equal(true);

  const again = await new PermissionSets({ server: serverUrl, get, cache: cache() }).readCached();
  expect(again?.token).to.equal(fresh.token);
}

const [header, payload, signature] = [0, 1, 2] as const;

/** Tokens tampered with in every way a cache slot can be: each must be refused wherever it is planted. */
const TAMPERED_TOKENS: [string, () => Promise<string> | string][] = [
  [
    'a role flipped in the claims segment (signature kept)',
    () => {
      const parts = segments(anonymous.token);
      const claims = decodeSegment(parts[payload]);
      claims['roles'] = (claims['roles'] as string[]).map((role) => (role === 'Anonymous Users' ? 'Support Agents' : role));
      return `${parts[header]}.${base64url(JSON.stringify(claims))}.${parts[signature]}`;
    },
  ],
  [
    "the claims replaced by X's rights without sub (an elevation with the anonymous signature)",
    () => {
      const parts = segments(anonymous.token);
      const claims = decodeSegment(segments(visitorX.token)[payload]);
      delete claims['sub'];
      return `${parts[header]}.${base64url(JSON.stringify(claims))}.${parts[signature]}`;
    },
  ],
  [
    'header alg none, signature stripped',
    () => {
      const parts = segments(anonymous.token);
      const head = { ...decodeSegment(parts[header]), alg: 'none' };
      return `${base64url(JSON.stringify(head))}.${parts[payload]}.`;
    },
  ],
  [
    'header alg none with a signature kept',
    () => {
      const parts = segments(anonymous.token);
      const head = { ...decodeSegment(parts[header]), alg: 'none' };
      return `${base64url(JSON.stringify(head))}.${parts[payload]}.${parts[signature]}`;
    },
  ],
  [
    'header HS256 with a real HMAC over the token',
    async () => {
      const parts = segments(anonymous.token);
      const head = base64url(JSON.stringify({ ...decodeSegment(parts[header]), alg: 'HS256' }));
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(JSON.stringify(serverJwks.keys[0])), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${head}.${parts[payload]}`)));
      return `${head}.${parts[payload]}.${base64url(mac)}`;
    },
  ],
  ['header without kid (signed with the planted key)', () => signJws(planted, craftedClaims(), { kid: undefined })],
  ['header with an extra member (crit)', () => signJws(planted, craftedClaims(), { crit: ['exp'] })],
  [
    'header embedding its own key (jwk) signed with an unplanted key',
    async () => {
      const stranger = await testSigningKey();
      return signJws(stranger, craftedClaims(), { jwk: stranger.publicJwk });
    },
  ],
  ['signature stripped', () => `${segments(anonymous.token).slice(0, 2).join('.')}.`],
  ['only two segments', () => segments(anonymous.token).slice(0, 2).join('.')],
  [
    "another set's signature",
    () => {
      const parts = segments(anonymous.token);
      return `${parts[header]}.${parts[payload]}.${segments(visitorX.token)[signature]}`;
    },
  ],
  [
    'a non-canonical base64url spelling of the same signature bytes',
    () => {
      const parts = segments(anonymous.token);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // 64 bytes take 86 characters with 4 unused bits in the last: setting one decodes to the same bytes.
      const last = alphabet.indexOf(parts[signature].at(-1)!);
      const spelled = parts[signature].slice(0, -1) + alphabet[last ^ 1];
      return `${parts[header]}.${parts[payload]}.${spelled}`;
    },
  ],
  ['base64 padding added', () => `${anonymous.token}==`],
  ['standard base64 characters', () => anonymous.token.replace(/-/g, '+').replace(/_/g, '/') + (/[-_]/.test(anonymous.token) ? '' : '+')],
  ['whitespace around the token', () => ` ${anonymous.token}\n`],
];

/** Sets signed with the planted key whose claims break one rule each: refused for the claims alone. */
const BAD_CLAIMS: [string, () => Promise<string>][] = [
  ['an expired set (beyond the skew)', () => signJws(planted, craftedClaims({ iat: now() - 900, exp: now() - 120 }))],
  ['exp missing', () => signJws(planted, craftedClaims({ exp: undefined }))],
  ['exp as a string', () => signJws(planted, craftedClaims({ exp: String(now() + 300) }))],
  ['nbf in the future', () => signJws(planted, craftedClaims({ nbf: now() + 600 }))],
  ['iat in the future', () => signJws(planted, craftedClaims({ iat: now() + 600, exp: now() + 900 }))],
  ['iat after exp', () => signJws(planted, craftedClaims({ iat: now() + 30, exp: now() + 20 }))],
  ['a wrong audience', () => signJws(planted, craftedClaims({ aud: 'https://another-site.example' }))],
  ['an audience array without ours', () => signJws(planted, craftedClaims({ aud: ['https://a.example', 'https://b.example'] }))],
  ['a wrong issuer', () => signJws(planted, craftedClaims({ iss: 'https://impostor.example' }))],
  ['the issuer with a trailing slash', () => signJws(planted, craftedClaims({ iss: `${serverUrl}/` }))],
  ['typ JWT', () => signJws(planted, craftedClaims(), { typ: 'JWT' })],
  ['typ missing', () => signJws(planted, craftedClaims(), { typ: undefined })],
  ['alg ES384 in the header', () => signJws(planted, craftedClaims(), { alg: 'ES384' })],
  ['a sub filed under the anonymous key', () => signJws(planted, craftedClaims({ sub: visitorX.id }))],
  ['an empty sub', () => signJws(planted, craftedClaims({ sub: '' }))],
  ['ver missing', () => signJws(planted, craftedClaims({ ver: undefined }))],
  ['roles that are not a list', () => signJws(planted, craftedClaims({ roles: 'Support Agents' }))],
  ['pages that are not rules', () => signJws(planted, craftedClaims({ pages: [42] }))],
  ['claims that are not an object', () => signJws(planted, ['roles'])],
];

const SET_AND_POINTER = [
  ['sets', 'anonymous'],
  ['meta', 'current'],
] as const;

describe('the cache, attacked', () => {
  describe('controls (the same path accepts what is genuine)', () => {
    it('accepts the genuine anonymous set', async () => {
      const cached = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache() }).readCached();
      expect(cached?.token).to.equal(anonymous.token);
      expect(protectedOpen(cached)).to.equal(false);
    });

    it("accepts X's genuine set filed under X, and it opens protected content", async () => {
      await plantSet(visitorX.id, visitorX.token);
      const cached = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache() }).readCached();
      expect(cached?.claims.sub).to.equal(visitorX.id);
      expect(protectedOpen(cached)).to.equal(true);
    });

    it('accepts a set signed with the planted test key (so the claims cases below fail on their claims)', async () => {
      await plantSet('anonymous', await signJws(planted, craftedClaims()));
      const cached = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache() }).readCached();
      expect(cached).to.not.equal(null);
      expect(cached?.claims.aud).to.equal(audience);
    });

    it('accepts a set expired by less than the 60 s clock skew', async () => {
      await plantSet('anonymous', await signJws(planted, craftedClaims({ iat: now() - 400, exp: now() - 30 })));
      expect(await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache() }).readCached()).to.not.equal(null);
    });
  });

  describe('tampered tokens', () => {

    for (const [label, make] of TAMPERED_TOKENS) {
      it(`refuses ${label}`, async () => {
        await plantSet('anonymous', await make());
        await expectRefusedAndHealed(SET_AND_POINTER);
      });
    }
  });

  describe('claims checks, with a planted test key', () => {

    for (const [label, make] of BAD_CLAIMS) {
      it(`refuses ${label}`, async () => {
        await plantSet('anonymous', await make());
        await expectRefusedAndHealed(SET_AND_POINTER);
      });
    }

    it('an audience array containing ours is accepted', async () => {
      await plantSet('anonymous', await signJws(planted, craftedClaims({ aud: ['https://a.example', audience] })));
      expect(await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache() }).readCached()).to.not.equal(null);
    });
  });

  describe('visitor confusion', () => {
    it("refuses X's real set filed under the anonymous key", async () => {
      await plantSet('anonymous', visitorX.token);
      await expectRefusedAndHealed(SET_AND_POINTER);
    });

    it("refuses Y's real set filed under X's key", async () => {
      await plantSet(visitorX.id, visitorY.token);
      await expectRefusedAndHealed([
        ['sets', visitorX.id],
        ['meta', 'current'],
      ]);
    });

    it("refuses the real anonymous set filed under X's key", async () => {
      await plantSet(visitorX.id, anonymous.token);
      await expectRefusedAndHealed([
        ['sets', visitorX.id],
        ['meta', 'current'],
      ]);
    });

    it("refuses a crafted set with X's sub filed under Y's key", async () => {
      await plantSet(visitorY.id, await signJws(planted, craftedClaims({ sub: visitorX.id })));
      await expectRefusedAndHealed([
        ['sets', visitorY.id],
        ['meta', 'current'],
      ]);
    });
  });

  describe('garbage in every slot', () => {
    const garbage: [string, unknown][] = [
      ['a string', 'garbage'],
      ['a number', 42],
      ['null', null],
      ['an empty object', {}],
      ['a list', ['anonymous']],
      ['a date', new Date(0)],
      ['a blob', new Blob(['x'])],
    ];

    for (const [label, value] of garbage) {
      it(`survives ${label} as the current pointer`, async () => {
        await writeSlot(DB, 'meta', 'current', value);
        await expectRefusedAndHealed([['meta', 'current']]);
      });

      it(`survives ${label} as the stored set`, async () => {
        await writeSlot(DB, 'sets', 'anonymous', value);
        await expectRefusedAndHealed(SET_AND_POINTER);
      });

      it(`survives ${label} as the cached JWK Set`, async () => {
        await writeSlot(DB, 'meta', 'jwks', value);
        await expectRefusedAndHealed([['meta', 'jwks']]);
      });

      it(`survives ${label} as the cached facts`, async () => {
        await writeSlot(DB, 'meta', 'facts', value);
        await expectRefusedAndHealed([['meta', 'facts']]);
      });
    }

    it('survives a pointer to a visitor with no set', async () => {
      await writeSlot(DB, 'meta', 'current', 'nobody-here');
      await expectRefusedAndHealed([['meta', 'current']]);
    });

    it('survives an empty pointer', async () => {
      await writeSlot(DB, 'meta', 'current', '');
      await expectRefusedAndHealed([['meta', 'current']]);
    });

    for (const [label, value] of [
      ['a token that is a number', { token: 5 }],
      ['a three-dot token of nothing', { token: 'a.b.c' }],
      ['an etag that is not a string', { token: 'x', etag: 7 }],
      ['a huge token', { token: `${'a'.repeat(600_000)}.b.c` }],
    ] as const) {
      it(`survives ${label} as the stored set`, async () => {
        await writeSlot(DB, 'sets', 'anonymous', value);
        await expectRefusedAndHealed(SET_AND_POINTER);
      });
    }

    it('survives facts for another issuer', async () => {
      await writeSlot(DB, 'meta', 'facts', { issuer: 'https://impostor.example', audience });
      await expectRefusedAndHealed([['meta', 'facts']]);
    });

    it('survives facts naming another audience: the set is refused and deleted, and refresh() asks discovery again', async () => {
      await writeSlot(DB, 'meta', 'facts', { issuer: serverUrl, audience: 'https://another-site.example' });
      await expectRefusedAndHealed(SET_AND_POINTER);
      expect(await readSlot(DB, 'meta', 'facts')).to.deep.equal({ issuer: serverUrl, audience });
    });
  });

  describe('the JWK Set, attacked', () => {
    it("refuses the server's set when its kid is given the planted key's coordinates", async () => {
      const kid = JSON.parse(atob(segments(anonymous.token)[0].replace(/-/g, '+').replace(/_/g, '/'))).kid as string;
      const substituted = serverJwks.keys.map((key) => (key['kid'] === kid ? { ...planted.publicJwk, kid } : key));
      await writeSlot(DB, 'meta', 'jwks', { keys: substituted });
      await expectRefusedAndHealed(SET_AND_POINTER);
    });

    it('refuses sets when the JWK Set holds only unusable keys (RSA, wrong curve, bad coordinates, private parts)', async () => {
      const kid = JSON.parse(atob(segments(anonymous.token)[0].replace(/-/g, '+').replace(/_/g, '/'))).kid as string;
      const server = serverJwks.keys.find((key) => key['kid'] === kid)!;
      await writeSlot(DB, 'meta', 'jwks', {
        keys: [
          { kty: 'RSA', kid, n: 'AQAB', e: 'AQAB' },
          { ...server, crv: 'P-384' },
          { ...server, x: 'not-a-coordinate' },
          { ...server, alg: 'HS256' },
          { ...server, x: server['y'], y: server['x'] },
          7,
          null,
        ],
      });
      await expectRefusedAndHealed(SET_AND_POINTER);
    });

    it('refuses a set when the JWK Set is emptied', async () => {
      await writeSlot(DB, 'meta', 'jwks', { keys: [] });
      await expectRefusedAndHealed(SET_AND_POINTER);
    });
  });

  it('keeps deciding closed while a signed-in set is refused, until refresh brings a verified one', async () => {
    // X's real set, but its signature bytes flipped: it would open everything if believed.
    const parts = segments(visitorX.token);
    const signature = parts[2];
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    await plantSet(visitorX.id, `${parts[0]}.${parts[1]}.${flipped}`);
    const sets = new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: cache() });
    const [first, second] = await Promise.all([sets.readCached(), sets.readCached()]);
    expect(protectedOpen(first)).to.equal(false);
    expect(protectedOpen(second)).to.equal(false);
    expect(await readSlot(DB, 'sets', visitorX.id)).to.equal(undefined);
  });
});


// --- the warm-start mirror, attacked ------------------------------------------------------------

function mirror(): WarmStartMirror {
  return createWarmStartMirror({ server: serverUrl, key: MIRROR });
}

/** A JWK reduced to the members the mirror keeps. */
function publicMembers(jwk: object): Record<string, unknown> {
  const { kty, crv, x, y, kid } = jwk as Record<string, unknown>;
  return { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
}

/** The key a mirror entry would carry for `token`: the planted key for its kid, else the server's. */
function jwkFor(token: unknown): Record<string, unknown> {
  const kid = typeof token === 'string' ? headerKid(token.trim()) : undefined;
  if (kid === planted.kid) return publicMembers(planted.publicJwk);
  return publicMembers(serverJwks.keys.find((key) => key['kid'] === kid) ?? serverJwks.keys[0]!);
}

/** A mirror entry as the SDK writes it, for `token` under `visitor`, with `changes` (`undefined` drops a member). */
function mirrorEntry(token: unknown, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const entry: Record<string, unknown> = { v: 1, visitor: 'anonymous', token, etag: '"planted"', issuer: serverUrl, audience, jwk: jwkFor(token), ...changes };
  for (const [key, value] of Object.entries(entry)) if (value === undefined) delete entry[key];
  return entry;
}

/**
 * The outcome every mirror attack must have, in both situations a reload meets:
 * - IndexedDB holds the genuine anonymous set: the planted entry is refused with no request, and the
 *   IndexedDB set decides (closed) and replaces it in the mirror;
 * - IndexedDB is empty: the answer is `null` with no request, the slot is removed, and refresh()
 *   fetches a valid set from the real server, which the mirror then holds and decides from.
 */
async function expectMirrorRefused(planted: unknown): Promise<void> {
  writeMirrorSlot(MIRROR, planted);
  const withStore = countingGet('anonymous');
  const fallback = await new PermissionSets({ server: serverUrl, get: withStore.get, cache: cache(), mirror: mirror() }).readCached();
  expect(fallback?.token, 'the IndexedDB set decides').to.equal(anonymous.token);
  expect(protectedOpen(fallback)).to.equal(false);
  expect(withStore.log, 'requests while reading the caches').to.deep.equal([]);
  expect((readMirrorSlot(MIRROR) as { token?: unknown } | undefined)?.token, 'the mirror now holds the genuine set').to.equal(anonymous.token);

  writeMirrorSlot(MIRROR, planted);
  const { get, log } = countingGet('anonymous');
  const reload = new PermissionSets({ server: serverUrl, get, cache: cache(EMPTY_DB), mirror: mirror() });
  const cached = await reload.readCached();
  expect(cached, 'readCached() with nothing in IndexedDB').to.equal(null);
  expect(log, 'requests while reading the caches').to.deep.equal([]);
  expect(readMirrorSlot(MIRROR), 'the mirror slot is removed').to.equal(undefined);

  const fresh = await reload.refresh({ expectedSub: null });
  expect(fresh.claims.sub).to.equal(undefined);
  expect(protectedOpen(fresh)).to.equal(false);
  expect((readMirrorSlot(MIRROR) as { token?: unknown }).token).to.equal(fresh.token);
  // Decided from the mirror alone: the cache given here is a fresh, empty memory one.
  const again = await new PermissionSets({ server: serverUrl, get, cache: createPermissionCache({ server: serverUrl, indexedDB: () => undefined }), mirror: mirror() }).readCached();
  expect(again?.token).to.equal(fresh.token);
}

describe('the warm-start mirror, attacked', () => {
  describe('controls (the same path accepts what is genuine, from the mirror alone)', () => {
    /** A cache that has nothing: whatever readCached() returns came from the mirror. */
    const empty = (): PermissionCache => createPermissionCache({ server: serverUrl, databaseName: DB, indexedDB: () => undefined });

    it('accepts the genuine anonymous set', async () => {
      writeMirrorSlot(MIRROR, mirrorEntry(anonymous.token, { etag: anonymous.etag }));
      const cached = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: empty(), mirror: mirror() }).readCached();
      expect(cached?.token).to.equal(anonymous.token);
      expect(cached?.etag).to.equal(anonymous.etag);
      expect(protectedOpen(cached)).to.equal(false);
    });

    it("accepts X's genuine set under X, and it opens protected content", async () => {
      writeMirrorSlot(MIRROR, mirrorEntry(visitorX.token, { visitor: visitorX.id }));
      const cached = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: empty(), mirror: mirror() }).readCached();
      expect(cached?.claims.sub).to.equal(visitorX.id);
      expect(protectedOpen(cached)).to.equal(true);
    });

    it('accepts a set signed with a planted key carried in the entry (so the claims cases below fail on their claims)', async () => {
      writeMirrorSlot(MIRROR, mirrorEntry(await signJws(planted, craftedClaims())));
      const cached = await new PermissionSets({ server: serverUrl, get: countingGet('anonymous').get, cache: empty(), mirror: mirror() }).readCached();
      expect(cached).to.not.equal(null);
    });
  });

  describe('tampered tokens in the mirror', () => {
    for (const [label, make] of TAMPERED_TOKENS) {
      it(`refuses ${label}`, async () => {
        await expectMirrorRefused(mirrorEntry(await make()));
      });
    }
  });

  describe('claims checks in the mirror, with the planted key in the entry', () => {
    for (const [label, make] of BAD_CLAIMS) {
      it(`refuses ${label}`, async () => {
        await expectMirrorRefused(mirrorEntry(await make()));
      });
    }
  });

  describe('visitor confusion in the mirror', () => {
    it("refuses X's real set under the anonymous visitor", async () => {
      await expectMirrorRefused(mirrorEntry(visitorX.token));
    });

    it("refuses Y's real set under X", async () => {
      await expectMirrorRefused(mirrorEntry(visitorY.token, { visitor: visitorX.id }));
    });

    it('refuses the real anonymous set under X', async () => {
      await expectMirrorRefused(mirrorEntry(anonymous.token, { visitor: visitorX.id }));
    });

    it("refuses a crafted set with X's sub under Y, signed with the planted key", async () => {
      await expectMirrorRefused(mirrorEntry(await signJws(planted, craftedClaims({ sub: visitorX.id })), { visitor: visitorY.id }));
    });

    it("refuses X's real set with a flipped signature under X, and protected content stays closed", async () => {
      const [head, body, signature] = segments(visitorX.token);
      await expectMirrorRefused(mirrorEntry(`${head}.${body}.${(signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)}`, { visitor: visitorX.id }));
    });
  });

  describe('the key and facts in the mirror, attacked', () => {
    it("refuses the genuine set when the entry's key is swapped for the planted key under the server's kid", async () => {
      await expectMirrorRefused(mirrorEntry(anonymous.token, { jwk: { ...publicMembers(planted.publicJwk), kid: headerKid(anonymous.token) } }));
    });

    it("refuses a planted-key set when the entry's key is the server's (the kid does not match)", async () => {
      await expectMirrorRefused(mirrorEntry(await signJws(planted, craftedClaims()), { jwk: jwkFor(anonymous.token) }));
    });

    it('refuses an entry for another issuer (even with a set that names it)', async () => {
      const issuer = 'https://impostor.example';
      await expectMirrorRefused(mirrorEntry(await signJws(planted, craftedClaims({ iss: issuer })), { issuer }));
    });

    it('refuses an entry whose audience differs from what the genuine set names', async () => {
      await expectMirrorRefused(mirrorEntry(anonymous.token, { audience: 'https://another-site.example' }));
    });

    it("takes the page's own audience over the mirror's: a set for another site planted with that audience is refused", async () => {
      const other = 'https://another-site.example';
      writeMirrorSlot(MIRROR, mirrorEntry(await signJws(planted, craftedClaims({ aud: other })), { audience: other }));
      const sets = new PermissionSets({ server: serverUrl, audience, get: countingGet('anonymous').get, cache: cache(), mirror: mirror() });
      expect((await sets.readCached())?.token).to.equal(anonymous.token);
      expect((readMirrorSlot(MIRROR) as { token: string }).token).to.equal(anonymous.token);
    });
  });

  describe('garbage in the mirror slot', () => {
    const garbage: [string, () => unknown][] = [
      ['text that is not JSON', () => '{"v":1,"token":'],
      ['JSON null', () => 'null'],
      ['a number', () => '42'],
      ['a list', () => '[]'],
      ['a bare string', () => '"anonymous"'],
      ['an empty object', () => ({})],
      ['another version', () => mirrorEntry(anonymous.token, { v: 2 })],
      ['no visitor', () => mirrorEntry(anonymous.token, { visitor: undefined })],
      ['an empty visitor', () => mirrorEntry(anonymous.token, { visitor: '' })],
      ['a visitor that is not a string', () => mirrorEntry(anonymous.token, { visitor: null })],
      ['a token that is a number', () => mirrorEntry(5)],
      ['an empty token', () => mirrorEntry('')],
      ['an etag that is not a string', () => mirrorEntry(anonymous.token, { etag: 7 })],
      ['an extra member', () => mirrorEntry(anonymous.token, { rights: { roles: ['Administrators'] } })],
      ['no key', () => mirrorEntry(anonymous.token, { jwk: undefined })],
      ['a key with a private member', () => mirrorEntry(anonymous.token, { jwk: { ...jwkFor(anonymous.token), d: 'AAAA' } })],
      ['a key with an extra member', () => mirrorEntry(anonymous.token, { jwk: { ...jwkFor(anonymous.token), x5u: 'https://evil.example/key' } })],
      ['an RSA key', () => mirrorEntry(anonymous.token, { jwk: { kty: 'RSA', kid: headerKid(anonymous.token), n: 'AQAB', e: 'AQAB' } })],
      ['a key on another curve', () => mirrorEntry(anonymous.token, { jwk: { ...jwkFor(anonymous.token), crv: 'P-384' } })],
      ['a key for HS256', () => mirrorEntry(anonymous.token, { jwk: { ...jwkFor(anonymous.token), alg: 'HS256' } })],
      ['a key whose point is not on the curve', () => mirrorEntry(anonymous.token, { jwk: { ...jwkFor(anonymous.token), x: jwkFor(anonymous.token)['y'], y: jwkFor(anonymous.token)['x'] } })],
      ['a list of keys instead of one', () => mirrorEntry(anonymous.token, { jwk: [jwkFor(anonymous.token)] })],
      ['no issuer', () => mirrorEntry(anonymous.token, { issuer: undefined })],
      ['the issuer with a trailing slash', () => mirrorEntry(anonymous.token, { issuer: `${serverUrl}/` })],
      ['no audience', () => mirrorEntry(anonymous.token, { audience: undefined })],
      ['a huge entry', () => mirrorEntry(`${'a'.repeat(600_000)}.b.c`)],
    ];

    for (const [label, value] of garbage) {
      it(`survives ${label}`, async () => {
        await expectMirrorRefused(value());
      });
    }
  });

  it('keeps deciding closed while both the mirror and IndexedDB hold a forged signed-in set', async () => {
    const [head, body, signature] = segments(visitorX.token);
    const forged = `${head}.${body}.${(signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)}`;
    await plantSet(visitorX.id, forged);
    writeMirrorSlot(MIRROR, mirrorEntry(forged, { visitor: visitorX.id }));
    const { get, log } = countingGet('anonymous');
    const sets = new PermissionSets({ server: serverUrl, get, cache: cache(), mirror: mirror() });
    const [first, second] = await Promise.all([sets.readCached(), sets.readCached()]);
    expect(protectedOpen(first)).to.equal(false);
    expect(protectedOpen(second)).to.equal(false);
    expect(log).to.deep.equal([]);
    expect(readMirrorSlot(MIRROR)).to.equal(undefined);
    expect(await readSlot(DB, 'sets', visitorX.id)).to.equal(undefined);
  });
});
