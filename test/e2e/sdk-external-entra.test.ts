/**
 * External sign-in through the SDK's `entra` adapter (@azure/msal-browser in OIDC protocol mode) against
 * the real test provider. MSAL refuses non-https authorities, so the provider and the pages run over
 * https on 127.0.0.1 with a self-signed certificate made by openssl (browser context: ignoreHTTPSErrors;
 * portal server: NODE_EXTRA_CA_CERTS). Popups return to a bridge page calling MSAL's redirect bridge.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startExternalE2e } from './sdk-external-harness.js';
import type { ExternalE2e } from './sdk-external-harness.js';

const CAROL = { id: 'carol', password: 'carol-pw', claims: { email: 'carol@idp.example', email_verified: true, preferred_username: 'carol', given_name: 'Carol', family_name: 'Danvers' } };
let e2e: ExternalE2e;

before(async () => {
  e2e = await startExternalE2e({ https: true, accounts: [CAROL] });
});
after(async () => {
  await e2e?.close();
});

describe('entra adapter (MSAL) over https', () => {
  test('popup sign-in through the redirect bridge ends with a server session', async () => {
    const context = await e2e.browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(`${e2e.pageOrigin}/signin.html`);
      await page.waitForFunction(() => window.pkOutcome !== undefined);
      const popupPromise = context.waitForEvent('page');
      const outcomePromise = page.evaluate((bridge) => window.pk.signIn('testidp', { mode: 'popup', redirectUri: bridge }), `${e2e.pageOrigin}/bridge.html`);
      const popup = await popupPromise;
      await popup.waitForSelector('input[name=login]');
      await popup.fill('input[name=login]', CAROL.id);
      await popup.fill('input[name=password]', CAROL.password);
      await popup.click('button[type=submit]');
      const outcome = await outcomePromise;
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.deepEqual(await page.evaluate(() => window.pk.me()), { status: 200, email: 'carol@idp.example' });
    } finally {
      await context.close();
    }
  });

  test('redirect sign-in ends with a server session; replaying the callback URL is refused', async () => {
    const context = await e2e.browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      const callbacks: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.origin === e2e.pageOrigin && url.pathname === '/signin.html' && /code=/.test(url.hash + url.search)) callbacks.push(request.url());
      });
      page.on('framenavigated', (frame) => {
        const url = new URL(frame.url());
        if (frame === page.mainFrame() && url.pathname === '/signin.html' && /code=/.test(url.hash + url.search)) callbacks.push(frame.url());
      });
      await page.goto(`${e2e.pageOrigin}/signin.html`);
      await page.waitForFunction(() => window.pkOutcome !== undefined);
      await page.evaluate(() => void window.pk.signIn('testidp', { mode: 'redirect', returnUrl: '/after' }));
      await page.waitForSelector('input[name=login]');
      await page.fill('input[name=login]', CAROL.id);
      await page.fill('input[name=password]', CAROL.password);
      await page.click('button[type=submit]');
      await page.waitForURL((url) => url.origin === e2e.pageOrigin);
      await page.waitForFunction(() => window.pkOutcome !== undefined);
      const outcome = await page.evaluate(() => window.pkOutcome!);
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.equal((outcome as { value: { returnUrl: string } }).value.returnUrl, '/after');
      assert.deepEqual(await page.evaluate(() => window.pk.me()), { status: 200, email: 'carol@idp.example' });

      assert.ok(callbacks[0], 'the callback URL was seen');
      const other = await e2e.browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const stolen = await other.newPage();
        await stolen.goto(callbacks[0]!);
        await stolen.waitForFunction(() => window.pkOutcome !== undefined);
        const replay = await stolen.evaluate(() => window.pkOutcome!);
        assert.deepEqual([replay.ok, !replay.ok && replay.name], [false, 'StateMismatchError']);
        assert.equal((await stolen.evaluate(() => window.pk.me())).status, 401);
      } finally {
        await other.close();
      }
    } finally {
      await context.close();
    }
  });
});
