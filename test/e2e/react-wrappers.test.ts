/**
 * `@portalkit/react`: the wrappers generated from the custom elements manifest work in a real React 18
 * app in Chromium: props reach element properties (`client`, `roles`), `onPk…` props receive the
 * elements' events, and the light-DOM sign-in form that React did not render survives React's renders.
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('@portalkit/react wrappers in a React app', () => {
  let browser: Browser;
  let page: Page;
  let close: () => void;
  const pageErrors: string[] = [];

  before(async () => {
    const bundle = await build({
      entryPoints: [`${ROOT}test/e2e/react-wrappers-page.ts`],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const script = bundle.outputFiles[0]!.text;
    const config = await readFile(`${ROOT}examples/contoso/portal.config.json`, 'utf8');
    const html = `<!doctype html><meta charset="utf-8"><title>react</title><div id="app"></div>
      <script>window.__pkConfig = ${config};</script><script type="module" src="/app.js"></script>`;
    const server = createServer((request, response) => {
      if (request.url === '/app.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });

  after(async () => {
    await browser?.close();
    close?.();
  });

  it('passes props as properties and events to onPk… props', async () => {
    await page.waitForFunction(() => window.__pk?.decisions.length > 0);
    assert.equal(await page.locator('pk-protected').getAttribute('decision'), 'denied');
    assert.deepEqual(await page.evaluate(() => window.__pk.decisions), [false]);
    assert.equal(await page.locator('#secret').isVisible(), false);
  });

  it('signs in through the light-DOM form React did not render, and re-decides', async () => {
    await page.locator('pk-sign-in input[autocomplete="username"]').fill('paul');
    await page.locator('pk-sign-in input[autocomplete="current-password"]').fill('Demo-Paul-2026!');
    await page.locator('pk-sign-in input[autocomplete="current-password"]').press('Enter');
    await page.waitForFunction(() => window.__pk.signedIn.length === 1);
    await page.waitForFunction(() => document.querySelector('pk-protected')?.getAttribute('decision') === 'allowed');
    assert.deepEqual(await page.evaluate(() => window.__pk.decisions), [false, true]);
    assert.equal(await page.locator('#secret').isVisible(), true);
    assert.deepEqual(pageErrors, []);
  });
});
