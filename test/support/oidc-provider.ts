/**
 * A REAL OpenID Provider for tests: `oidc-provider@9` on `http://127.0.0.1:<free port>`, with one public
 * `web` client (authorization code + PKCE, exact redirect URI), signing keys generated at start (RS256
 * and ES256), and test accounts whose claims you choose.
 *
 * Two ways to sign in:
 * - `signIn({ accountId, nonce })` drives the real authorization-code + PKCE flow over HTTP with fetch
 *   (authorization request → the provider's interaction → our login route → code → token endpoint) and
 *   returns the real `id_token`. No browser needed.
 * - In a browser (e2e tests), point oidc-client-ts or MSAL at `issuer`: the interaction page is a plain
 *   form (`input[name=login]`, `input[name=password]`, a submit button) that signs in any test account
 *   (checking its password when it has one) and grants consent in the same step.
 *
 * For hostile tests, `signingKeys` holds the provider's private keys (their public halves are in its
 * JWKS), so `forgeIdToken` can make tokens the provider never issued but that carry a valid signature.
 *
 * oidc-provider prints "Unsupported runtime" on Node 20; it works.
 *
 * @example
 *   const idp = await startTestOidcProvider({ accounts: [{ id: 'alice', claims: { email: 'a@example.com', email_verified: true } }] });
 *   const idToken = await idp.signIn({ accountId: 'alice', nonce });
 *   await idp.close();
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK, JWTHeaderParameters, JWTPayload } from 'jose';
import Provider from 'oidc-provider';

export interface TestOidcAccount {
  /** The account id: the ID token's `sub`. */
  readonly id: string;
  /** When set, the interaction form requires it; `signIn` sends it. */
  readonly password?: string;
  /**
   * Claims the provider releases for the requested scopes: `email`, `email_verified` (scope `email`),
   * `name`, `given_name`, `family_name`, `preferred_username` (scope `profile`). Others are dropped.
   */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export type TestSigningAlg = 'RS256' | 'ES256';

/** One of the provider's signing keys. The public JWK is what its JWKS publishes. */
export interface TestSigningKey {
  readonly alg: TestSigningAlg;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

export interface TestOidcProviderOptions {
  readonly accounts?: readonly TestOidcAccount[];
  /** The client's id: the ID token's `aud`. Default `portal-test`. */
  readonly clientId?: string;
  /** The one redirect URI the client may use (compared exactly). Never fetched by `signIn`. */
  readonly redirectUri?: string;
  /** The algorithm the client's ID tokens are signed with. Default RS256. */
  readonly idTokenSigningAlg?: TestSigningAlg;
  /** ID token lifetime. Default one hour (the provider's own default). */
  readonly idTokenTtlSeconds?: number;
}

export interface SignInOptions {
  readonly accountId: string;
  /** Sent as the authorization request's `nonce`, so the ID token carries it. Omit for a token without one. */
  readonly nonce?: string;
  /** Default `openid email profile`. */
  readonly scope?: string;
  /** Overrides the account's own password (to test a wrong one). */
  readonly password?: string;
}

export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`; its discovery document is at `${issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** The oidc-provider instance, for anything this harness does not cover. */
  readonly provider: Provider;
  /** The provider's signing keys, by algorithm. */
  readonly signingKeys: Readonly<Record<TestSigningAlg, TestSigningKey>>;
  /** The same keys as private JWKs (with `kid`, `alg`, `use`), as the provider was configured with them. */
  readonly privateJwks: readonly JWK[];
  /** Adds (or replaces) a test account. */
  addAccount(account: TestOidcAccount): void;
  /** Runs the authorization-code + PKCE flow for the account and returns the real `id_token`. */
  signIn(options: SignInOptions): Promise<string>;
  /**
   * Signs arbitrary claims with one of the provider's own keys (header `alg`, `kid`, `typ: JWT`, then
   * `header` on top): a token with a valid signature that the provider never issued.
   */
  forgeIdToken(claims: JWTPayload, options?: { alg?: TestSigningAlg; header?: Partial<JWTHeaderParameters> }): Promise<string>;
  close(): Promise<void>;
}

/** Starts the provider on a free port of 127.0.0.1. Cold start is about half a second. */
export async function startTestOidcProvider(options: TestOidcProviderOptions = {}): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? 'portal-test';
  const redirectUri = options.redirectUri ?? 'http://127.0.0.1/callback';
  const accounts = new Map<string, TestOidcAccount>();
  for (const account of options.accounts ?? []) accounts.set(account.id, account);
  const signingKeys = {
    RS256: await signingKey('RS256'),
    ES256: await signingKey('ES256'),
  } as const;
  const privateJwks = [signingKeys.RS256.privateJwk, signingKeys.ES256.privateJwk];

  // The issuer names the port, so listen first and build the provider once the port is known.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        response_types: ['code'],
        grant_types: ['authorization_code'],
        redirect_uris: [redirectUri],
        id_token_signed_response_alg: options.idTokenSigningAlg ?? 'RS256',
      },
    ],
    jwks: { keys: privateJwks },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    // Put the scopes' claims in the ID token itself (the portal server reads nothing from userinfo).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), which also keeps oidc-provider from printing a notice for each default.
    ttl: { IdToken: options.idTokenTtlSeconds ?? 3600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600 },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: account.id, claims: () => ({ ...account.claims, sub: account.id }) };
    },
  });
  const providerCallback = provider.callback();
  handle = (req, res) => {
    const route = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!route) return providerCallback(req, res);
    interaction(req, res, route[1] ?? '', route[2] !== undefined).catch((error: unknown) => {
      // SessionNotFound: no (or an expired) interaction cookie for this uid.
      const status = error instanceof Error && error.name === 'SessionNotFound' ? 400 : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  /** GET shows the form; POST …/login signs the account in and grants consent in one step. */
  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, isLogin: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (!isLogin || req.method !== 'POST') return sendForm(res, uid);
    const form = new URLSearchParams(await readBody(req));
    const account = accounts.get(form.get('login') ?? '');
    if (!account || (account.password !== undefined && form.get('password') !== account.password)) {
      return sendForm(res, uid, 'Unknown account or wrong password.', 401);
    }
    const clientOfRequest = String(details.params['client_id']);
    const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId: account.id, clientId: clientOfRequest });
    grant.addOIDCScope(String(details.params['scope'] ?? 'openid'));
    const missingClaims = details.prompt.details['missingOIDCClaims'];
    if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.map(String));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: account.id }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  async function signIn(options: SignInOptions): Promise<string> {
    const account = accounts.get(options.accountId);
    if (!account) throw new Error(`test OIDC provider: no account "${options.accountId}"`);
    const browser = new CookieJar();
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const authorization = new URL('/auth', issuer);
    authorization.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: options.scope ?? 'openid email profile',
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
    }).toString();

    let response = await browser.fetch(authorization);
    let callback: URL | undefined;
    for (let hop = 0; hop < 10 && !callback; hop += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        throw new Error(`test OIDC provider: expected a redirect, got ${response.status}: ${await response.text()}`);
      }
      const next = new URL(location, issuer);
      if (`${next.origin}${next.pathname}` === redirectUri.replace(/[?#].*$/, '')) callback = next;
      else if (next.origin === issuer && next.pathname.startsWith('/interaction/')) {
        const password = options.password ?? account.password ?? '';
        response = await browser.fetch(new URL(`${next.pathname}/login`, issuer), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ login: account.id, password }).toString(),
        });
      } else response = await browser.fetch(next);
    }
    if (!callback) throw new Error('test OIDC provider: too many redirects');
    const error = callback.searchParams.get('error');
    if (error) throw new Error(`test OIDC provider: authorization failed: ${error} ${callback.searchParams.get('error_description') ?? ''}`);
    if (callback.searchParams.get('state') !== state) throw new Error('test OIDC provider: state mismatch');
    const code = callback.searchParams.get('code');
    if (!code) throw new Error('test OIDC provider: no code in the callback');

    const tokenResponse = await fetch(new URL('/token', issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }).toString(),
    });
    const tokens = (await tokenResponse.json()) as { id_token?: unknown; error?: unknown; error_description?: unknown };
    if (tokenResponse.status !== 200 || typeof tokens.id_token !== 'string') {
      throw new Error(`test OIDC provider: token request failed (${tokenResponse.status}): ${String(tokens.error)} ${String(tokens.error_description ?? '')}`);
    }
    return tokens.id_token;
  }

  return {
    issuer,
    clientId,
    redirectUri,
    provider,
    signingKeys,
    privateJwks,
    addAccount: (account) => void accounts.set(account.id, account),
    signIn,
    async forgeIdToken(claims, forgeOptions = {}) {
      const key = signingKeys[forgeOptions.alg ?? 'RS256'];
      return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...forgeOptions.header }).sign(key.privateKey);
    },
    close: () => closeServer(server),
  };
}

async function signingKey(alg: TestSigningAlg): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${randomBytes(6).toString('hex')}`;
  const meta = { kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicKey, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...(await exportJWK(publicKey)), ...meta } };
}

function sendForm(res: ServerResponse, uid: string, error?: string, status = 200): void {
  const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head>
<body>
<h1>Test IdP</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Account <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
</body></html>`);
}

async function readBody(req: IncomingMessage, limit = 16 * 1024): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > limit) throw new Error('request body too large');
  }
  return body;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** The few cookie semantics the flow needs: one jar per sign-in, names only (paths and expiry ignored). */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  async fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) headers.set('cookie', [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }
}
