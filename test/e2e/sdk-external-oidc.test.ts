/**
 * External sign-in through the SDK's `oidc` adapter (oidc-client-ts), end to end: a real OpenID
 * Provider, a real `portalkit serve`, headless Chromium. Good paths must end with a server session
 * (`GET /me` 200); every hostile case must be refused with its typed error and leave NO session.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { Outcome } from './sdk-external-page.js';
import { PROVIDER_ID, startExternalE2e } from './sdk-external-harness.js';
import type { ExternalE2e } from './sdk-external-harness.js';

const ALICE = { id: 'alice', password: 'alice-pw', claims: { email: 'alice@idp.example', email_verified: true, given_name: 'Alice', family_name: 'Liddell' } };
const BOB = { id: 'bob', password: 'bob-pw', claims: { email: 'bob@idp.example', email_verified: true, given_name: 'Bob', family_name: 'Builder' } };
let e2e: ExternalE2e;

before(async () => {
  e2e = await startExternalE2e({ https: false, accounts: [ALICE, BOB] });
});
after(async () => {
  await e2e?.close();
});

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e2e.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${e2e.pageOrigin}/signin.html`);
  await page.waitForFunction(() => window.pkOutcome !== undefined);
  return { context, page };
}

async function fillProviderForm(page: Page, account: { id: string; password: string }): Promise<void> {
  await page.waitForSelector('input[name=login]');
  await page.fill('input[name=login]', account.id);
  await page.fill('input[name=password]', account.password);
  await page.click('button[type=submit]');
}

/** Starts a redirect sign-in without awaiting it (the page unloads). */
async function startRedirect(page: Page, returnUrl = '/after?x=1'): Promise<void> {
  await page.evaluate((options) => void window.pk.signIn('testidp', { mode: 'redirect', returnUrl: options.returnUrl }), { returnUrl });
}

/** Waits for the callback page's outcome, having captured the callback URL the provider sent us to. */
async function callbackOutcome(page: Page, callbackUrls: string[]): Promise<Outcome> {
  await page.waitForURL((url) => url.pathname === '/signin.html' && callbackUrls.length > 0, { timeout: 15_000 });
  await page.waitForFunction(() => window.pkOutcome !== undefined, undefined, { timeout: 15_000 });
  return page.evaluate(() => window.pkOutcome!);
}

function recordCallbacks(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/signin.html' && url.searchParams.has('state')) urls.push(request.url());
  });
  return urls;
}

const me = (page: Page) => page.evaluate(() => window.pk.me());

describe('oidc adapter: redirect sign-in', () => {
  test('signs in through the provider and the server; the callback is one-shot and the address bar is cleaned', async () => {
    const { context, page } = await freshPage();
    try {
      assert.equal((await me(page)).status, 401);
      const callbacks = recordCallbacks(page);
      await startRedirect(page);
      await page.waitForURL((url) => url.origin === e2e.idp.issuer);
      await fillProviderForm(page, ALICE);
      const outcome = await callbackOutcome(page, callbacks);
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      const value = (outcome as { value: { contact: { email: string }; returnUrl: string; provider: string } }).value;
      assert.equal(value.contact.email, 'alice@idp.example');
      assert.equal(value.returnUrl, '/after?x=1');
      assert.equal(value.provider, PROVIDER_ID);
      assert.equal(new URL(page.url()).search, '', 'code and state are removed from the address bar');
      assert.deepEqual(await me(page), { status: 200, email: 'alice@idp.example' });

      // The same callback URL again in this tab (reload, back button): refused before any request.
      const exchanges: string[] = [];
      page.on('request', (request) => void (request.url().includes('/auth/external/') && exchanges.push(request.url())));
      await page.goto(callbacks[0]!);
      await page.waitForFunction(() => window.pkOutcome !== undefined);
      const replay = await page.evaluate(() => window.pkOutcome!);
      assert.deepEqual([replay.ok, !replay.ok && replay.name, !replay.ok && replay.code], [false, 'CallbackReplayedError', 'callback-replayed']);
      assert.deepEqual(exchanges, []);

      // The callback URL replayed in another browser: not a sign-in it started; no session there.
      const other = await freshPageAt(callbacks[0]!);
      try {
        const stolen = await other.page.evaluate(() => window.pkOutcome!);
        assert.deepEqual([stolen.ok, !stolen.ok && stolen.name], [false, 'StateMismatchError']);
        assert.equal((await me(other.page)).status, 401);
      } finally {
        await other.context.close();
      }
    } finally {
      await context.close();
    }
  });

  test('a callback whose state was altered is refused (StateMismatchError) and no session starts', async () => {
    const { context, page } = await freshPage();
    try {
      const callbacks = recordCallbacks(page);
      // The state is altered on its way through the provider (the provider echoes what it got).
      await page.route((url) => url.origin === e2e.idp.issuer && url.pathname === '/auth', async (route) => {
        const url = new URL(route.request().url());
        const state = url.searchParams.get('state')!;
        url.searchParams.set('state', `${state.slice(0, -4)}AAAA`);
        await route.continue({ url: url.href });
      });
      await startRedirect(page);
      await page.waitForURL((url) => url.origin === e2e.idp.issuer);
      await fillProviderForm(page, BOB);
      const outcome = await callbackOutcome(page, callbacks);
      assert.deepEqual([outcome.ok, !outcome.ok && outcome.name, !outcome.ok && outcome.code], [false, 'StateMismatchError', 'state-mismatch']);
      assert.equal((await me(page)).status, 401);
    } finally {
      await context.close();
    }
  });

  test('an ID token issued for another nonce is refused (NonceMismatchError) and no session starts', async () => {
    const { context, page } = await freshPage();
    try {
      const callbacks = recordCallbacks(page);
      // An attacker-controlled authorization request: same client, state and PKCE, another nonce.
      await page.route((url) => url.origin === e2e.idp.issuer && url.pathname === '/auth', async (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('nonce', 'attacker-chosen-nonce');
        await route.continue({ url: url.href });
      });
      await startRedirect(page);
      await page.waitForURL((url) => url.origin === e2e.idp.issuer && url.pathname.startsWith('/interaction/'));
      await fillProviderForm(page, BOB);
      const outcome = await callbackOutcome(page, callbacks);
      assert.deepEqual([outcome.ok, !outcome.ok && outcome.name, !outcome.ok && outcome.code], [false, 'NonceMismatchError', 'nonce-mismatch']);
      assert.equal((await me(page)).status, 401);
    } finally {
      await context.close();
    }
  });

  test('return URLs that leave the site are refused before any request, and the page stays', async () => {
    const { context, page } = await freshPage();
    try {
      const requests: string[] = [];
      page.on('request', (request) => void requests.push(request.url()));
      for (const returnUrl of ['//evil.example/x', 'https:evil.example', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', 'data:text/html,x', '/%2F%2Fevil.example', '/%5Cevil.example', '/\t/evil.example', 'https://evil.example/']) {
        const outcome = await page.evaluate((url) => window.pk.signIn('testidp', { mode: 'redirect', returnUrl: url }), returnUrl);
        assert.deepEqual([outcome.ok, !outcome.ok && outcome.name, !outcome.ok && outcome.code], [false, 'UnsafeReturnUrlError', 'unsafe-return-url'], returnUrl);
      }
      assert.deepEqual(requests, []);
      assert.equal(new URL(page.url()).pathname, '/signin.html');
      assert.equal((await me(page)).status, 401);
    } finally {
      await context.close();
    }
  });
});

describe('oidc adapter: popup sign-in', () => {
  test('signs in in a popup (the sign-in page is its own popup callback) and the server session starts', async () => {
    const { context, page } = await freshPage();
    try {
      const popupPromise = context.waitForEvent('page');
      const outcomePromise = page.evaluate(() => window.pk.signIn('testidp', { mode: 'popup' }));
      const popup = await popupPromise;
      await fillProviderForm(popup, BOB);
      const outcome = await outcomePromise;
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.equal((outcome as { value: { contact: { email: string } } }).value.contact.email, 'bob@idp.example');
      assert.deepEqual(await me(page), { status: 200, email: 'bob@idp.example' });
      assert.equal(await page.evaluate(() => window.pkSignedIn.length), 1);
    } finally {
      await context.close();
    }
  });

  test('closing the popup rejects with SignInCancelledError and no session', async () => {
    const { context, page } = await freshPage();
    try {
      const popupPromise = context.waitForEvent('page');
      const outcomePromise = page.evaluate(() => window.pk.signIn('testidp', { mode: 'popup' }));
      const popup = await popupPromise;
      await popup.waitForSelector('input[name=login]');
      await popup.close();
      const outcome = await outcomePromise;
      assert.deepEqual([outcome.ok, !outcome.ok && outcome.name, !outcome.ok && outcome.code], [false, 'SignInCancelledError', 'sign-in-cancelled']);
      assert.equal((await me(page)).status, 401);
    } finally {
      await context.close();
    }
  });
});

async function freshPageAt(url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e2e.browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.pkOutcome !== undefined);
  return { context, page };
}
