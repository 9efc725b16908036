/**
 * Serves a site's plain HTML pages (and their CSS, scripts, images) next to the API, with the
 * configuration's page rules enforced here, on the server: a page a `restrictRead` rule closes to the
 * visitor is never sent. The visitor's rights come from the session exactly as for `/permissions`
 * (`Visitors` + the core evaluator), and `Rights.page()` decides, so the server and `<pk-protected
 * page="…">` in the browser always agree.
 *
 * - `root`: the pages, served at `/` (`/x/` answers `/x/index.html`; `/x` redirects to `/x/` when `x`
 *   is a directory). Every file under it is subject to the page rules, not only HTML.
 * - `assets`: more directories served at `/` after `root` misses, without page rules (library code such
 *   as the CDN build: `dist/portalkit.js`, `dist/chunks/*`). `/chunks/*` names are content-hashed by the
 *   build, so they are cached as immutable; everything else is revalidated (`no-cache` + ETag).
 *
 * A denied page answers **403** with a short HTML page that links to the home page (`/?returnUrl=…`),
 * not a redirect: the status stays honest for crawlers and scripts, no redirect loop is possible, and
 * the visitor still gets one click back to where they can sign in.
 *
 * Only files inside the directories are served: the request path is decoded once and refused (400) if
 * it holds `.`/`..` segments, empty segments, backslashes, control characters, NUL or a `%` left after
 * decoding (double encoding); the resolved path, symlinks followed, must stay inside the directory.
 * Dotfiles, directories without `index.html` and unknown file types are 404: there is no listing.
 *
 * HTML pages carry a Content-Security-Policy (see content-security-policy.ts): by default scripts and
 * styles from this origin only.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pathCovers, resolveRights } from '@portalkit/core';
import type { PortalModel } from '@portalkit/core';
import type { ServerContext } from '../app/context.js';
import { defaultPagePolicy, inlineStylePolicy, SVG_POLICY } from './content-security-policy.js';

/** The `pages` option of `startPortalServer`. */
export interface PagesOptions {
  /** The directory of the site's pages, served at `/` under the page rules. */
  readonly root: string;
  /** Directories served at `/` after `root`, without page rules (e.g. the CDN build's `dist`). */
  readonly assets?: readonly string[];
  /**
   * The Content-Security-Policy of every HTML page served. By default scripts, styles, images and fonts
   * from this origin only, fetches to this origin and the configured identity providers, no plugins,
   * no framing, no `<base>` (see `defaultPagePolicy`). A string replaces it, for a site that loads
   * more (analytics, a font CDN, a provider whose token endpoint has its own origin); `false` sends
   * none.
   */
  readonly contentSecurityPolicy?: string | false;
}

/** File types served; anything else is 404 (no source, config or backup file leaks by accident). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, no-cache';
const PER_VISITOR = 'private, no-cache';

interface Directory {
  /** As given, resolved. */
  readonly path: string;
  /** With symlinks resolved (what a served file's real path must be inside). */
  readonly real: string;
}

/** A request path taken apart, or `undefined` when it is malformed or tries to leave the directory. */
interface RequestPath {
  readonly segments: readonly string[];
  /** Ends with `/`. */
  readonly directory: boolean;
}

/** Decodes and checks a raw request path (no query). Exported for tests. */
export function parseRequestPath(rawPath: string): RequestPath | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  // A `%` left after one decoding is double encoding (`%252e%252e`): nothing here needs it.
  if (/[\u0000-\u001f\u007f\\%]/.test(decoded)) return undefined;
  const directory = decoded.endsWith('/');
  const segments = decoded.slice(1, directory ? -1 : undefined).split('/');
  if (segments.length === 1 && segments[0] === '') return { segments: [], directory: true };
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return undefined;
  }
  return { segments, directory };
}

function inside(directory: string, path: string): boolean {
  return path === directory || path.startsWith(directory.endsWith(sep) ? directory : directory + sep);
}

/** The file for a request in one directory, or why there is none. */
async function locate(directory: Directory, path: RequestPath): Promise<{ file: string; stats: Stats } | 'missing' | 'redirect' | 'outside'> {
  if (path.segments.some((segment) => segment.startsWith('.'))) return 'missing';
  const target = resolve(directory.path, ...path.segments);
  if (!inside(directory.path, target)) return 'outside';
  const stats = await stat(target).catch(() => undefined);
  if (!stats) return 'missing';
  if (stats.isDirectory()) {
    if (!path.directory) return 'redirect';
    const index = resolve(target, 'index.html');
    const indexStats = await stat(index).catch(() => undefined);
    if (!indexStats?.isFile()) return 'missing';
    return (await isInsideReal(directory, index)) ? { file: index, stats: indexStats } : 'outside';
  }
  if (path.directory || !stats.isFile()) return 'missing';
  return (await isInsideReal(directory, target)) ? { file: target, stats } : 'outside';
}

async function isInsideReal(directory: Directory, file: string): Promise<boolean> {
  const real = await realpath(file).catch(() => undefined);
  return real !== undefined && inside(directory.real, real);
}

async function directoryOf(path: string): Promise<Directory> {
  const resolved = resolve(path);
  return { path: resolved, real: await realpath(resolved) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const trimmed = candidate.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === bare;
  });
}

/** The only style of the "no access" page, allowed by its hash (see inlineStylePolicy). */
const DENIED_STYLE = 'body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}a{font-weight:600}';
const DENIED_POLICY = inlineStylePolicy(DENIED_STYLE);

function deniedPage(siteName: string, signedIn: boolean, path: string): string {
  const site = escapeHtml(siteName);
  const message = signedIn
    ? 'Your account does not have access to this page.'
    : 'This page is for signed-in visitors. Sign in on the home page, then come back.';
  const home = `/?returnUrl=${encodeURIComponent(path)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>No access · ${site}</title>
<style>${DENIED_STYLE}</style>
</head>
<body>
<main>
<h1>You can’t open this page</h1>
<p>${message}</p>
<p><a href="${escapeHtml(home)}">Go to the home page</a></p>
</main>
</body>
</html>
`;
}

/** Registers `GET /*` (and HEAD) for the pages and assets. Routes registered earlier (the API) win. */
export async function staticPageRoutes(app: FastifyInstance, context: ServerContext, options: PagesOptions): Promise<void> {
  const root = await directoryOf(options.root);
  const assets = await Promise.all((options.assets ?? []).map(directoryOf));
  const override = options.contentSecurityPolicy;
  if (typeof override === 'string' && (override.trim() === '' || /[\u0000-\u001f\u007f]/.test(override))) {
    throw new TypeError('pages.contentSecurityPolicy must be a non-empty policy on one line (or false for none).');
  }
  // The default follows the configuration (its providers), which a reload can change.
  const defaults = new WeakMap<PortalModel, string>();
  const pagePolicy = (): string | undefined => {
    if (override !== undefined) return override === false ? undefined : override;
    const model = context.config.model;
    let policy = defaults.get(model);
    if (policy === undefined) defaults.set(model, (policy = defaultPagePolicy(model)));
    return policy;
  };

  const notFound = (reply: FastifyReply): FastifyReply => {
    reply.callNotFound();
    return reply;
  };

  async function send(request: FastifyRequest, reply: FastifyReply, file: string, stats: Stats, cacheControl: string): Promise<FastifyReply> {
    const type = CONTENT_TYPES[extname(file).toLowerCase()];
    if (!type) return notFound(reply);
    reply.header('Cache-Control', cacheControl);
    reply.header('Content-Type', type);
    const policy = type.startsWith('text/html') ? pagePolicy() : type === 'image/svg+xml' ? SVG_POLICY : undefined;
    if (policy) reply.header('Content-Security-Policy', policy);
    const etag = `W/"${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}"`;
    reply.header('ETag', etag);
    reply.header('Last-Modified', stats.mtime.toUTCString());
    if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
    reply.header('Content-Length', stats.size);
    return reply.send(createReadStream(file));
  }

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const [rawPath = '/', query] = request.url.split(/\?(.*)/s, 2);
    const path = parseRequestPath(rawPath);
    if (!path) return reply.code(400).type('text/plain; charset=utf-8').send('Bad request');
    const urlPath = `/${path.segments.join('/')}${path.directory && path.segments.length > 0 ? '/' : ''}`;

    const page = await locate(root, path);
    if (page === 'outside') return reply.code(400).type('text/plain; charset=utf-8').send('Bad request');
    if (page === 'redirect') {
      // Rebuilt from the checked segments: never a `//host` or a scheme in Location.
      const location = `/${path.segments.map(encodeURIComponent).join('/')}/${query ? `?${query}` : ''}`;
      return reply.code(301).header('Location', location).send();
    }
    if (page !== 'missing') {
      const model = context.config.model;
      const ruled = model.pageRules.some((rule) => pathCovers(rule.path, urlPath));
      if (ruled) {
        const visitor = await context.visitors.fromRequest(request);
        reply.header('Vary', 'Cookie');
        if (!resolveRights(model, visitor).page(urlPath).read) {
          return reply
            .code(403)
            .header('Cache-Control', 'no-store')
            .header('Content-Security-Policy', DENIED_POLICY)
            .type('text/html; charset=utf-8')
            .send(deniedPage(model.site.name, visitor.contactId !== undefined, urlPath));
        }
      }
      return send(request, reply, page.file, page.stats, ruled ? PER_VISITOR : REVALIDATE);
    }

    for (const directory of assets) {
      const asset = await locate(directory, path);
      if (asset === 'outside') return reply.code(400).type('text/plain; charset=utf-8').send('Bad request');
      if (asset === 'missing' || asset === 'redirect') continue;
      return send(request, reply, asset.file, asset.stats, path.segments[0] === 'chunks' ? IMMUTABLE : REVALIDATE);
    }
    return notFound(reply);
  };

  app.get('/', handler);
  app.get('/*', handler);
}
