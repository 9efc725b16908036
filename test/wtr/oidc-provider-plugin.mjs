/**
 * A REAL OpenID Provider (oidc-provider@9) on 127.0.0.1 for SDK external sign-in tests, over http or —
 * for MSAL, which refuses non-https authorities — https with a certificate you pass in. Plain JS so
 * web-test-runner's config can load it without a TypeScript loader; test/support/oidc-provider.ts is the
 * Node-side twin the server tests use (same client shape, same interaction form).
 *
 * - One public `web` client: authorization code + PKCE required, exact `redirect_uris`.
 * - Signing keys generated with jose at start; `conformIdTokenClaims: false` puts email/name in the ID token.
 * - The interaction page is a plain form (`input[name=login]`, `input[name=password]`, a submit button)
 *   that signs in a test account and grants consent in one step.
 *
 * As a wtr plugin (`oidcProviderPlugin({ accounts, redirectPaths })`): starts the provider in
 * `serverStart` (registering `http://<wtr host>:<wtr port><path>` for each redirect path), sets
 * `process.env.PORTALKIT_TEST_OIDC_ISSUER` / `PORTALKIT_TEST_OIDC_CLIENT_ID` for plugins after it (the
 * portal server plugin can add the provider from them), and answers the virtual module `/__oidc__.js`
 * (`issuer`, `clientId`).
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/**
 * Starts the provider on a free port of 127.0.0.1.
 * @param {{ clientId?: string, redirectUris: string[], accounts?: { id: string, password?: string, claims?: Record<string, unknown> }[], tls?: { key: string, cert: string } }} options
 */
export async function startOidcTestProvider(options) {
  const clientId = options.clientId ?? 'portal-web';
  const accounts = new Map((options.accounts ?? []).map((account) => [account.id, account]));
  const keys = { RS256: await signingKey('RS256'), ES256: await signingKey('ES256') };

  let handle = (_req, res) => void res.writeHead(503).end();
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => handle(req, res)) : createHttpServer((req, res) => handle(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `${options.tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        response_types: ['code'],
        grant_types: ['authorization_code'],
        redirect_uris: options.redirectUris,
      },
    ],
    jwks: { keys: [keys.RS256.privateJwk, keys.ES256.privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'preferred_username'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // The browser's token request is cross-origin (the page is on another port).
    clientBasedCORS: () => true,
    ttl: { IdToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600 },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      return account ? { accountId: account.id, claims: () => ({ ...account.claims, sub: account.id }) } : undefined;
    },
  });
  provider.proxy = false;
  const callback = provider.callback();
  handle = (req, res) => {
    const route = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!route) return callback(req, res);
    interaction(req, res, route[1], route[2] !== undefined).catch((error) => {
      if (!res.headersSent) res.writeHead(error?.name === 'SessionNotFound' ? 400 : 500, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  async function interaction(req, res, uid, isLogin) {
    const details = await provider.interactionDetails(req, res);
    if (!isLogin || req.method !== 'POST') return sendForm(res, uid);
    const form = new URLSearchParams(await readBody(req));
    const account = accounts.get(form.get('login') ?? '');
    if (!account || (account.password !== undefined && form.get('password') !== account.password)) return sendForm(res, uid, 'Unknown account or wrong password.', 401);
    const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId: account.id, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const missing = details.prompt.details.missingOIDCClaims;
    if (Array.isArray(missing)) grant.addOIDCClaims(missing.map(String));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: account.id }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    clientId,
    provider,
    addAccount: (account) => void accounts.set(account.id, account),
    /** Signs claims with the provider's own RS256 key: a token it never issued, with a valid signature. */
    forgeIdToken: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keys.RS256.kid, typ: 'JWT' }).sign(keys.RS256.privateKey),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function signingKey(alg) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}`;
  const meta = { kid, alg, use: 'sig' };
  return { kid, privateKey, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...(await exportJWK(publicKey)), ...meta } };
}

function sendForm(res, uid, error, status = 200) {
  const escape = (text) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Account <input name="login"></label> <label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button></form></body></html>`);
}

async function readBody(req, limit = 16 * 1024) {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > limit) throw new Error('request body too large');
  }
  return body;
}

/**
 * The wtr plugin (see the header).
 * @param {{ accounts?: { id: string, password?: string, claims?: Record<string, unknown> }[], redirectPaths?: string[], clientId?: string }} [options]
 */
export function oidcProviderPlugin(options = {}) {
  let idp;
  return {
    name: 'portalkit-oidc-provider',
    async serverStart({ config }) {
      const origin = `http://${config.hostname ?? '127.0.0.1'}:${config.port}`;
      idp = await startOidcTestProvider({
        clientId: options.clientId ?? 'portal-web',
        accounts: options.accounts ?? [],
        redirectUris: (options.redirectPaths ?? ['/__oidc__/callback.html']).map((path) => `${origin}${path}`),
      });
      process.env.PORTALKIT_TEST_OIDC_ISSUER = idp.issuer;
      process.env.PORTALKIT_TEST_OIDC_CLIENT_ID = idp.clientId;
    },
    async serverStop() {
      await idp?.close();
    },
    serve(context) {
      if (context.path === '/__oidc__.js') {
        return { body: `export const issuer = ${JSON.stringify(idp.issuer)};\nexport const clientId = ${JSON.stringify(idp.clientId)};\n`, type: 'js' };
      }
      return undefined;
    },
  };
}
