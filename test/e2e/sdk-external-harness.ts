/**
 * The e2e setup for external sign-in through the SDK, all real and all on 127.0.0.1:
 * - a static page server (http, or https with a self-signed certificate) serving the SDK flow bundled
 *   by esbuild from sdk-external-page.ts (code splitting on: each adapter stays its own lazy chunk);
 * - a real OpenID Provider (test/wtr/oidc-provider-plugin.mjs) whose client allows the pages' URLs;
 * - a real `portalkit serve` child with that provider configured and the page origin allowed
 *   (NODE_EXTRA_CA_CERTS set to the test certificate, so it can fetch an https provider's keys);
 * - headless Chromium driven by playwright-core (`ignoreHTTPSErrors` for the https setup).
 */
import { spawn } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.mjs';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { startOidcTestProvider } from '../wtr/oidc-provider-plugin.mjs';
import type { OidcTestProvider } from '../wtr/oidc-provider-plugin.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLIENT_ID = 'portal-web';
export const PROVIDER_ID = 'testidp';

export interface ExternalE2e {
  readonly pageOrigin: string;
  readonly serverUrl: string;
  readonly idp: OidcTestProvider;
  readonly browser: Browser;
  readonly https: boolean;
  close(): Promise<void>;
}

/** A self-signed certificate for IP 127.0.0.1, made with openssl now. */
async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}

async function bundlePages(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: { app: join(ROOT, 'test/e2e/sdk-external-page.ts'), 'entra-bridge': join(ROOT, 'packages/sdk/src/auth/external/adapters/entra-redirect-bridge.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/bundle',
    write: false,
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((file) => [`/${basename(file.path)}`, file.text]));
}

function page(serverUrl: string, body = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PortalKit external sign-in test</title>
<script>window.pkServer = ${JSON.stringify(serverUrl)};</script><script type="module" src="/app.js"></script></head><body>${body}</body></html>`;
}

const BRIDGE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bridge</title>
<script type="module">import { broadcastResponseToMainFrame } from '/entra-bridge.js'; broadcastResponseToMainFrame();</script></head><body></body></html>`;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function startPortalServer(dir: string, pageOrigin: string, idp: OidcTestProvider, providerType: 'oidc' | 'entra', certFile?: string, publicUrl?: string): Promise<{ url: string; child: ChildProcess }> {
  const config = JSON.parse(await readFile(join(ROOT, 'examples/contoso/portal.config.json'), 'utf8')) as Record<string, any>;
  config['site'].origins = [...config['site'].origins, pageOrigin];
  const provider = providerType === 'oidc' ? { type: 'oidc', issuer: idp.issuer } : { type: 'entra', authority: idp.issuer };
  config['authentication'].providers = [{ id: PROVIDER_ID, displayName: 'Test IdP', clientId: CLIENT_ID, registration: 'open', ...provider }];
  const configFile = join(dir, 'portal.config.json');
  await writeFile(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [join(ROOT, 'packages/server/bin/portalkit.js'), 'serve', '--config', configFile, '--data', join(dir, 'data'), '--host', '127.0.0.1', '--port', '0', '--quiet', ...(publicUrl ? ['--public-url', publicUrl] : [])], {
    cwd: ROOT,
    env: { ...process.env, ...(certFile ? { NODE_EXTRA_CA_CERTS: certFile } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portalkit serve did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /PortalKit listening on (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`portalkit serve exited (${code}):\n${output}`)));
  });
  return { url, child };
}

/**
 * Starts everything. `https: true` serves pages and provider over https (for MSAL), and the portal
 * server registers the provider as `entra`; otherwise all http and `oidc`.
 */
export async function startExternalE2e(options: { https: boolean; accounts: { id: string; password: string; claims: Record<string, unknown> }[] }): Promise<ExternalE2e> {
  const dir = await mkdtemp(join(tmpdir(), 'portalkit-sdk-external-'));
  const tls = options.https ? await selfSignedCertificate(dir) : undefined;
  const files = await bundlePages();
  let serverUrl = '';
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const script = files.get(path);
    if (script !== undefined) return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (path === '/bridge.html') return void response.writeHead(200, { 'content-type': 'text/html' }).end(BRIDGE_PAGE);
    if (path.endsWith('.html')) return void response.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(page(serverUrl));
    response.writeHead(404).end();
  };
  const pages = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  const pageOrigin = `${tls ? 'https' : 'http'}://127.0.0.1:${await listen(pages)}`;
  const idp = await startOidcTestProvider({
    clientId: CLIENT_ID,
    redirectUris: [`${pageOrigin}/signin.html`, `${pageOrigin}/bridge.html`],
    accounts: options.accounts,
    ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}),
  });
  // Over https the portal server sits behind a TLS-terminating proxy too: an https page calling an http
  // server is cross-site under Chromium's schemeful SameSite, and the Lax session cookies would not flow.
  let proxyTarget = '';
  const proxy = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, (request, response) => {
        const upstream = httpRequest(`${proxyTarget}${request.url ?? '/'}`, { method: request.method, headers: request.headers }, (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        });
        upstream.on('error', () => void (response.headersSent ? response.destroy() : response.writeHead(502).end()));
        request.pipe(upstream);
      })
    : undefined;
  const proxyUrl = proxy ? `https://127.0.0.1:${await listen(proxy)}` : undefined;
  const portal = await startPortalServer(dir, pageOrigin, idp, tls ? 'entra' : 'oidc', tls?.certFile, proxyUrl);
  proxyTarget = portal.url;
  serverUrl = proxyUrl ?? portal.url;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    pageOrigin,
    serverUrl,
    idp,
    browser,
    https: options.https,
    async close() {
      await browser.close();
      portal.child.kill('SIGTERM');
      await new Promise((resolve) => portal.child.once('exit', resolve));
      await idp.close();
      proxy?.closeAllConnections();
      if (proxy) await new Promise((resolve) => proxy.close(resolve));
      pages.closeAllConnections();
      await new Promise((resolve) => pages.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
