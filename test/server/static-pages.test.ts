/**
 * The companion server's page hosting (`pages` option, packages/server/src/pages/static-pages.ts):
 * files only from inside the given directories whatever the request path tries (`..`, encoded dots,
 * backslashes, NUL, double encoding, symlinks, dotfiles), content types and caching, `/x/` → index.html,
 * and the page rules enforced on the server from the visitor's session.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { startPortalServer } from '@portalkit/server';
import type { PortalServer } from '@portalkit/server';
import { demoConfig } from '../support/portal-server.js';
import { createTestStorage } from '../support/test-database.js';
import type { TestStorage } from '../support/test-database.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

let server: PortalServer;
let storage: TestStorage;
let dir = '';

/** A raw HTTP request: the path goes on the wire exactly as given (fetch would normalise `..`). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A contact with `roles` and a live session: the Cookie header a browser would send. */
async function sessionCookie(email: string, roles: readonly string[]): Promise<Record<string, string>> {
  const { context } = server;
  const contact = await context.contacts.create({ email });
  for (const role of roles) await context.contacts.assignRole(contact.id, role);
  const session = await context.sessions.create(contact.id, {});
  return { cookie: `${context.cookie.name}=${session.token}` };
}

const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portalkit-pages-'));
  const root = join(dir, 'site');
  const assets = join(dir, 'cdn');
  await mkdir(join(root, 'partners', 'news'), { recursive: true });
  await mkdir(join(root, 'profile'), { recursive: true });
  await mkdir(join(root, 'empty'), { recursive: true });
  await mkdir(join(assets, 'chunks'), { recursive: true });
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await writeFile(join(dir, 'site-secret.txt'), SECRET); // a sibling whose name starts like the root's
  await writeFile(join(root, 'index.html'), '<!doctype html><html lang="en"><head><meta name="portalkit-server" content="https://portal.example.com"><title>Home</title></head><body>home page</body></html>');
  await writeFile(join(root, 'partners', 'index.html'), '<!doctype html><title>Partners</title><p>partner news</p>');
  await writeFile(join(root, 'partners', 'price-list.json'), '{"prices":[]}');
  await writeFile(join(root, 'partners', 'news', 'index.html'), '<!doctype html><title>News</title>');
  await writeFile(join(root, 'profile', 'index.html'), '<!doctype html><title>Profile</title>');
  await writeFile(join(root, 'site.css'), 'body { color: red }');
  await writeFile(join(root, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(root, 'data.json'), '{"ok":true}');
  await writeFile(join(root, 'notes.ts'), 'export const secret = 1;');
  await writeFile(join(root, '.env'), `KEY=${SECRET}`);
  await symlink(join(dir, 'secret.txt'), join(root, 'linked.txt'));
  await writeFile(join(assets, 'portalkit.js'), 'export const kit = 1;');
  await writeFile(join(assets, 'portalkit.js.map'), '{"version":3}');
  await writeFile(join(assets, 'chunks', 'fr-AbCd1234.js'), 'export default {};');

  storage = await createTestStorage();
  server = await startPortalServer({
    config: loadConfigOrThrow(await demoConfig()).model,
    ...storage.serverOptions,
    port: 0,
    pages: { root, assets: [assets] },
  });
});

after(async () => {
  await server?.close();
  await storage?.remove();
  await rm(dir, { recursive: true, force: true });
});

describe('static pages: only files inside the root', () => {
  const attempts = [
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/partners/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/partners\\..\\..\\secret.txt',
    '/%252e%252e/secret.txt',
    '/index.html%00.css',
    '/%00',
    '/./index.html',
    '//secret.txt',
    '/partners//index.html',
    '/%c0%ae%c0%ae/secret.txt',
    '/chunks/../../secret.txt',
    '/../site-secret.txt',
  ];
  for (const path of attempts) {
    it(`refuses ${JSON.stringify(path)}`, async () => {
      const response = await get(path);
      assert.ok([400, 404].includes(response.status), `${path} answered ${response.status}`);
      assert.ok(!response.body.includes(SECRET));
      assert.ok(!response.body.includes('root:'));
    });
  }

  it('serves no dotfile, no unknown file type and no symlink leading outside', async () => {
    for (const path of ['/.env', '/notes.ts', '/linked.txt']) {
      const response = await get(path);
      assert.ok([400, 404].includes(response.status), `${path} answered ${response.status}`);
      assert.ok(!response.body.includes(SECRET));
    }
  });

  it('lists no directory: a directory without index.html is 404', async () => {
    assert.equal((await get('/empty/')).status, 404);
  });

  it('leaves the API alone and answers unknown paths with the API 404 problem', async () => {
    const discovery = await get('/.well-known/portalkit');
    assert.equal(discovery.status, 200);
    assert.match(String(discovery.headers['content-type']), /application\/json/);
    const missing = await get('/nothing-here.html');
    assert.equal(missing.status, 404);
    assert.match(String(missing.headers['content-type']), /application\/problem\+json/);
  });
});

describe('static pages: content types, index pages and caching', () => {
  it('answers / and /x/ with index.html, and redirects /x to /x/ (query kept)', async () => {
    const home = await get('/');
    assert.equal(home.status, 200);
    assert.equal(home.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(home.body, /home page/);
    const redirect = await get('/profile?x=1');
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers['location'], '/profile/?x=1');
  });

  it('serves pages byte for byte (a page names its server itself, e.g. content="/")', async () => {
    const home = await get('/');
    assert.ok(home.body.includes('<meta name="portalkit-server" content="https://portal.example.com">'), home.body);
  });

  it('sends the right content type for each kind of file', async () => {
    const expected: Record<string, string> = {
      '/site.css': 'text/css; charset=utf-8',
      '/logo.svg': 'image/svg+xml',
      '/data.json': 'application/json; charset=utf-8',
      '/portalkit.js': 'text/javascript; charset=utf-8',
      '/portalkit.js.map': 'application/json; charset=utf-8',
      '/chunks/fr-AbCd1234.js': 'text/javascript; charset=utf-8',
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers['content-type'], type, path);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('revalidates pages and the entry script with ETags, and caches hashed chunks for good', async () => {
    const script = await get('/portalkit.js');
    assert.equal(script.headers['cache-control'], 'public, no-cache');
    const etag = String(script.headers['etag']);
    assert.ok(etag.length > 2);
    assert.equal((await get('/portalkit.js', { 'if-none-match': etag })).status, 304);
    const page = await get('/');
    assert.equal((await get('/', { 'if-none-match': String(page.headers['etag']) })).status, 304);
    assert.equal((await get('/chunks/fr-AbCd1234.js')).headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('answers HEAD without a body', async () => {
    const response = await get('/site.css', {}, 'HEAD');
    assert.equal(response.status, 200);
    assert.equal(response.body, '');
  });
});

describe('static pages: page rules enforced on the server', () => {
  it('refuses /partners to an anonymous visitor with 403 and a link home', async () => {
    for (const path of ['/partners/', '/partners/index.html', '/Partners/', '/partners/price-list.json', '/partners/news/']) {
      const response = await get(path);
      assert.ok(response.status === 403 || (path === '/Partners/' && response.status === 404), `${path} answered ${response.status}`);
      assert.ok(!response.body.includes('partner news'));
      assert.ok(!response.body.includes('prices'));
    }
    const denied = await get('/partners/');
    assert.equal(denied.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(denied.headers['cache-control'], 'no-store');
    assert.match(denied.body, /href="\/\?returnUrl=%2Fpartners%2F"/);
    assert.match(denied.body, /signed-in visitors/);
  });

  it('refuses /partners to a signed-in contact without the role (and says so)', async () => {
    const cookie = await sessionCookie('anna-pages@example.com', []);
    const response = await get('/partners/', cookie);
    assert.equal(response.status, 403);
    assert.match(response.body, /does not have access/);
    // /profile needs only a signed-in visitor.
    assert.equal((await get('/profile/', cookie)).status, 200);
    assert.equal((await get('/profile/')).status, 403);
  });

  it('serves /partners to a Partner Manager, privately and varying by cookie', async () => {
    const cookie = await sessionCookie('paul-pages@example.com', ['Partner Managers']);
    const response = await get('/partners/', cookie);
    assert.equal(response.status, 200);
    assert.match(response.body, /partner news/);
    assert.equal(response.headers['cache-control'], 'private, no-cache');
    assert.match(String(response.headers['vary']), /Cookie/i);
    assert.equal((await get('/partners/price-list.json', cookie)).status, 200);
    // The grantChange rule on /partners/news (Support Agents) does not open it to others.
    assert.equal((await get('/partners/news/', cookie)).status, 200);
  });

  it('follows role changes at once (the rights are computed per request)', async () => {
    const { context } = server;
    const contact = await context.contacts.create({ email: 'sam-pages@example.com' });
    const session = await context.sessions.create(contact.id, {});
    const cookie = { cookie: `${context.cookie.name}=${session.token}` };
    assert.equal((await get('/partners/', cookie)).status, 403);
    await context.contacts.assignRole(contact.id, 'Support Agents');
    assert.equal((await get('/partners/', cookie)).status, 200);
  });

  it('ignores a forged or expired session cookie (anonymous)', async () => {
    const response = await get('/partners/', { cookie: `${server.context.cookie.name}=forged-token` });
    assert.equal(response.status, 403);
  });
});

describe('static pages: Content-Security-Policy', () => {
  const directives = (header: unknown): Map<string, string[]> =>
    new Map(
      String(header)
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values] as const),
    );

  it('HTML pages allow script and style from this origin only, fetches to it and the configured providers, and no framing', async () => {
    const response = await get('/');
    assert.equal(response.status, 200);
    const policy = directives(response.headers['content-security-policy']);
    assert.deepEqual(policy.get('script-src'), ["'self'"]);
    assert.deepEqual(policy.get('style-src'), ["'self'"]);
    assert.deepEqual(policy.get('default-src'), ["'self'"]);
    assert.deepEqual(policy.get('object-src'), ["'none'"]);
    assert.deepEqual(policy.get('base-uri'), ["'none'"]);
    assert.deepEqual(policy.get('frame-ancestors'), ["'none'"]);
    // The demo configuration's two providers: an OIDC issuer and an Entra authority, by origin.
    const providers = server.context.config.model.authentication.providers.map((p) => new URL(p.type === 'oidc' ? p.issuer : p.authority).origin);
    assert.equal(providers.length, 2);
    assert.deepEqual(policy.get('connect-src'), ["'self'", ...new Set(providers)]);
    assert.deepEqual(policy.get('frame-src'), [...new Set(providers)]);
    assert.ok(!String(response.headers['content-security-policy']).includes('unsafe'), 'nothing unsafe-inline or unsafe-eval');
    // Pages under a rule carry it too; scripts and stylesheets need none; an SVG opened directly runs nothing.
    const cookie = await sessionCookie('csp-pages@example.com', ['Partner Managers']);
    assert.equal((await get('/partners/', cookie)).headers['content-security-policy'], response.headers['content-security-policy']);
    assert.equal((await get('/portalkit.js')).headers['content-security-policy'], undefined);
    assert.match(String((await get('/logo.svg')).headers['content-security-policy']), /^default-src 'none'/);
  });

  it('the "no access" page allows its one inline style by hash, and nothing else', async () => {
    const response = await get('/partners/');
    assert.equal(response.status, 403);
    const style = /<style>(.*?)<\/style>/s.exec(response.body)?.[1];
    assert.ok(style);
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    const policy = directives(response.headers['content-security-policy']);
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('style-src'), [`'sha256-${hash}'`]);
    assert.equal(policy.get('script-src'), undefined);
  });

  it('a site may state its own policy or none; a policy that would break the header is refused at start', async () => {
    const root = join(dir, 'site');
    const own = "default-src 'self'; script-src 'self' https://cdn.example.com";
    for (const [contentSecurityPolicy, expected] of [[own, own], [false, undefined]] as const) {
      const other = await createTestStorage();
      const custom = await startPortalServer({ config: loadConfigOrThrow(await demoConfig()).model, ...other.serverOptions, port: 0, pages: { root, contentSecurityPolicy } });
      try {
        const response = await fetch(`${custom.url}/`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-security-policy') ?? undefined, expected);
      } finally {
        await custom.close();
        await other.remove();
      }
    }
    for (const bad of ['', '  ', "default-src 'self'\r\nSet-Cookie: x=1"]) {
      const other = await createTestStorage();
      await assert.rejects(
        startPortalServer({ config: loadConfigOrThrow(await demoConfig()).model, ...other.serverOptions, port: 0, pages: { root, contentSecurityPolicy: bad } }),
        /contentSecurityPolicy must be a non-empty policy on one line/,
      );
      await other.remove();
    }
  });
});
