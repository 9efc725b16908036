/**
 * End to end on the real demo portal (issue 6): the companion server with the Contoso configuration,
 * its plain HTML pages (examples/contoso/pages) and the CDN build, on 127.0.0.1 with a temporary data
 * directory, seeded like `npm start` (examples/contoso/demo-portal.mjs), driven in headless Chromium.
 *
 * - sign in through `<pk-sign-in>` (its light-DOM inputs) as each demo role; the home teasers
 *   (`pk-protected[decision]`) and the server-enforced `/partners` page follow the role;
 * - `portalkit roles assign` / `revoke` (the real CLI) while the page is open: it follows within 2 s;
 * - `<pk-entity-list>` create / edit / delete where the role may, disabled or absent where not;
 * - sign-out in one tab closes protected content in another tab of the same browser.
 *
 * Needs the CDN build: uses `dist/` when `npm run build` is newer than the compiled packages,
 * otherwise bundles it into a temporary directory first (support/cdn-build.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_CONFIG_FILE, DEMO_CONTACTS, startDemoPortal } from '../../examples/contoso/demo-portal.mjs';
import type { DemoPortal } from '../../examples/contoso/demo-portal.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.mjs';
import { runPortalkit } from '../support/run-cli.js';
import { cdnBuild } from './support/cdn-build.js';
import type { CdnBuild } from './support/cdn-build.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Decision = 'allowed' | 'denied';
type Who = 'anonymous' | 'anna' | 'paul' | 'sam';

let portal: DemoPortal;
let cdn: CdnBuild;
let browser: Browser;
let dataDir = '';
let axeSource = '';
const pageErrors: string[] = [];

function contact(who: Exclude<Who, 'anonymous'>) {
  const found = DEMO_CONTACTS.find((c) => c.username === who);
  assert.ok(found, who);
  return found;
}

before(async () => {
  cdn = await cdnBuild();
  dataDir = await mkdtemp(join(tmpdir(), 'portalkit-demo-e2e-'));
  portal = await startDemoPortal({ dataDir, port: 0, cdnDir: cdn.dir });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  axeSource = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
});

after(async () => {
  await browser?.close();
  await portal?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (cdn?.fresh) await rm(cdn.dir, { recursive: true, force: true });
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  // tsx's keepNames wraps named functions passed to page.evaluate in `__name(...)`: give pages one.
  await context.addInitScript('window.__name = (fn) => fn;');
  context.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    // The pages are served with a strict Content-Security-Policy: anything the kit needs that it
    // refuses shows up here (Chromium reports each refusal on the console).
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(`${page.url()}: ${message.text()}`);
    });
  });
  return context;
}

async function decision(page: Page, selector: string, expected: Decision | 'pending', timeout = 10_000): Promise<void> {
  await page.locator(`${selector}[decision="${expected}"]`).waitFor({ state: 'attached', timeout });
}

/** Signs in on the home page through `<pk-sign-in>`'s light-DOM form, as a person (or autofill) would. */
async function signIn(page: Page, who: Exclude<Who, 'anonymous'>): Promise<void> {
  const { username, password } = contact(who);
  await page.goto(`${portal.url}/`);
  const login = page.locator('pk-sign-in input[autocomplete="username"]');
  await login.fill(username);
  const secret = page.locator('pk-sign-in input[autocomplete="current-password"]');
  await secret.fill(password);
  await secret.press('Enter');
  await decision(page, '#teaser-incidents', 'allowed');
}

/** Polls until `check` holds; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

const EXPECTED: Record<Who, { teasers: Record<'incidents' | 'partners' | 'support', Decision>; partners: number; incidents: number }> = {
  anonymous: { teasers: { incidents: 'denied', partners: 'denied', support: 'denied' }, partners: 403, incidents: 403 },
  anna: { teasers: { incidents: 'allowed', partners: 'denied', support: 'denied' }, partners: 403, incidents: 200 },
  paul: { teasers: { incidents: 'allowed', partners: 'allowed', support: 'denied' }, partners: 200, incidents: 200 },
  sam: { teasers: { incidents: 'allowed', partners: 'allowed', support: 'allowed' }, partners: 200, incidents: 200 },
};

describe('demo portal: each role', () => {
  for (const who of Object.keys(EXPECTED) as Who[]) {
    it(`${who}: home teasers, /partners and /incidents follow the role`, async () => {
      const context = await newContext();
      try {
        const page = await context.newPage();
        if (who === 'anonymous') await page.goto(`${portal.url}/`);
        else await signIn(page, who);
        const expected = EXPECTED[who];
        for (const [teaser, value] of Object.entries(expected.teasers)) await decision(page, `#teaser-${teaser}`, value);
        // Denied template content is never in the DOM.
        assert.equal(await page.locator('text=Support desk').count(), expected.teasers.support === 'allowed' ? 1 : 0);

        const partners = await page.goto(`${portal.url}/partners/`);
        assert.equal(partners?.status(), expected.partners);
        if (expected.partners === 200) {
          await decision(page, '#partner-content', 'allowed');
          assert.equal(await page.getByRole('heading', { name: 'Partner news' }).count(), 1);
        } else {
          assert.equal(await page.getByText('Partner news').count(), 0);
          assert.equal(await page.getByRole('link', { name: 'Go to the home page' }).count(), 1);
        }
        const incidents = await page.goto(`${portal.url}/incidents/`);
        assert.equal(incidents?.status(), expected.incidents);
      } finally {
        await context.close();
      }
    });
  }
});

describe('demo portal: live changes', () => {
  it('`portalkit roles assign` and `revoke` change an open page within 2 s', async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      await signIn(page, 'anna');
      await decision(page, '#teaser-partners', 'denied');
      const cli = ['--config', DEMO_CONFIG_FILE, '--data', dataDir, '--email', contact('anna').email, '--role', 'Partner Managers'];

      const assigned = await runPortalkit(['roles', 'assign', ...cli]);
      assert.equal(assigned.code, 0, assigned.stderr);
      const opened = await within(2_000, async () => (await page.getAttribute('#teaser-partners', 'decision')) === 'allowed', 'teaser after assign');
      assert.ok(opened <= 2_000);
      const partnersPage = await context.newPage();
      assert.equal((await partnersPage.goto(`${portal.url}/partners/`))?.status(), 200);
      await decision(partnersPage, '#partner-content', 'allowed');

      const revoked = await runPortalkit(['roles', 'revoke', ...cli]);
      assert.equal(revoked.code, 0, revoked.stderr);
      await within(2_000, async () => (await page.getAttribute('#teaser-partners', 'decision')) === 'denied', 'teaser after revoke');
      await within(2_000, async () => (await partnersPage.getAttribute('#partner-content', 'decision')) === 'denied', 'open partners page after revoke');
      assert.equal(await partnersPage.getByText('Partner news').count(), 0);
      assert.equal((await partnersPage.goto(`${portal.url}/partners/`))?.status(), 403);
    } finally {
      await context.close();
    }
  });

  it('signing out in one tab closes protected content in another', async () => {
    const context = await newContext();
    try {
      const home = await context.newPage();
      await signIn(home, 'paul');
      const partners = await context.newPage();
      assert.equal((await partners.goto(`${portal.url}/partners/`))?.status(), 200);
      await decision(partners, '#partner-content', 'allowed');

      await home.locator('pk-sign-in [part="sign-out-button"]').click();
      await decision(home, '#teaser-incidents', 'denied');
      await within(3_000, async () => (await partners.getAttribute('#partner-content', 'decision')) === 'denied', 'other tab after sign-out');
      assert.equal(await partners.getByText('Partner news').count(), 0);
      assert.equal(await partners.locator('#partner-closed').count(), 1);
    } finally {
      await context.close();
    }
  });
});

describe('demo portal: entity lists follow the table permissions', () => {
  const title = `E2E incident ${process.pid}-${Date.now()}`;

  async function incidentsPage(who: Exclude<Who, 'anonymous'>): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, who);
    await page.goto(`${portal.url}/incidents/`);
    await page.locator('#incidents[status="ready"]').waitFor({ state: 'attached', timeout: 15_000 });
    return { context, page };
  }

  const row = (page: Page, text: string) => page.locator('#incidents tr[part="row"]', { hasText: text });

  it('anna creates and edits her own incident; delete is not offered', async () => {
    const { context, page } = await incidentsPage('anna');
    try {
      await page.locator('#incidents [part="create-button"]').click();
      const dialog = page.locator('#incidents dialog[open]');
      await dialog.locator('input[name="title"]').fill(title);
      await dialog.locator('button[type="submit"]').click();
      await row(page, title).waitFor({ timeout: 10_000 });

      await row(page, title).locator('button[data-action="edit"]').click();
      await dialog.locator('input[name="title"]').fill(`${title} (edited)`);
      await dialog.locator('button[type="submit"]').click();
      await row(page, `${title} (edited)`).waitFor({ timeout: 10_000 });

      assert.equal(await page.locator('#incidents button[data-action="delete"]:not([disabled])').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('paul may edit his own incidents, not his account’s others; no delete', async () => {
    const { context, page } = await incidentsPage('paul');
    try {
      assert.ok((await page.locator('#incidents button[data-action="edit"]:not([disabled])').count()) > 0, 'no editable row');
      assert.ok((await page.locator('#incidents button[data-action="edit"][disabled]').count()) > 0, 'no read-only row');
      assert.equal(await page.locator('#incidents button[data-action="delete"]:not([disabled])').count(), 0);
      // anna's incident is in paul's account: visible, read-only.
      await row(page, title).waitFor({ timeout: 10_000 });
      assert.equal(await row(page, title).locator('button[data-action="edit"]').isDisabled(), true);
    } finally {
      await context.close();
    }
  });

  it('sam (Support Agents) deletes an incident', async () => {
    const { context, page } = await incidentsPage('sam');
    try {
      await row(page, title).waitFor({ timeout: 10_000 });
      await row(page, title).locator('button[data-action="delete"]').click();
      await page.locator('#incidents dialog[open] button[type="submit"]').click();
      await row(page, title).waitFor({ state: 'detached', timeout: 10_000 });
      await page.reload();
      await page.locator('#incidents[status="ready"]').waitFor({ state: 'attached', timeout: 15_000 });
      assert.equal(await row(page, title).count(), 0);
    } finally {
      await context.close();
    }
  });
});

describe('demo portal: pages', () => {
  it('have no axe violations (home anonymous, incidents as sam)', async () => {
    const context = await newContext();
    // Injected by the browser, not as a <script> the page's policy would (rightly) refuse.
    await context.addInitScript({ content: axeSource });
    try {
      const page = await context.newPage();
      await page.goto(`${portal.url}/`);
      await decision(page, '#teaser-incidents', 'denied');
      const violations = async (): Promise<string[]> => {
        return page.evaluate(async () => {
          type Axe = { run(context: Document, options: object): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
          const axe = (window as unknown as { axe: Axe }).axe;
          // KNOWN (reported): two <pk-entity-list>s on one page both label their pagination
          // <nav> "Pages" (landmark-unique). Everything else must pass.
          const result = await axe.run(document, { rules: { 'landmark-unique': { enabled: false } } });
          return result.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
        });
      };
      assert.deepEqual(await violations(), []);
      await signIn(page, 'sam');
      await page.goto(`${portal.url}/incidents/`);
      await page.locator('#incidents[status="ready"]').waitFor({ state: 'attached', timeout: 15_000 });
      assert.deepEqual(await violations(), []);
    } finally {
      await context.close();
    }
  });

  it('run no script a page did not load from its own origin (Content-Security-Policy), while the kit works', async () => {
    // Not newContext(): the refusals provoked here are the point, not errors of the kit.
    const context = await browser.newContext();
    await context.addInitScript('window.__name = (fn) => fn;');
    try {
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      await page.goto(`${portal.url}/`);
      await decision(page, '#teaser-incidents', 'denied');
      // What a stored-XSS bug would inject: an inline handler, an inline script, a script from elsewhere.
      const ran = await page.evaluate(async () => {
        const w = window as unknown as Record<string, unknown>;
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
        document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__pwnedByHandler = 1" alt="">');
        const inline = document.createElement('script');
        inline.textContent = 'window.__pwnedByScript = 1';
        document.body.append(inline);
        const remote = document.createElement('script');
        remote.src = 'https://attacker.example/steal.js';
        document.body.append(remote);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { handler: w['__pwnedByHandler'], script: w['__pwnedByScript'], violations };
      });
      assert.equal(ran.handler, undefined);
      assert.equal(ran.script, undefined);
      assert.ok(ran.violations.length >= 3, `refusals reported: ${JSON.stringify(ran.violations)}`);
      assert.ok(refused.length >= 1);
      // The kit itself (a module script and lazy chunks from this origin) still signs in and decides.
      await signIn(page, 'paul');
      await decision(page, '#teaser-partners', 'allowed');
    } finally {
      await context.close();
    }
  });

  it('threw no uncaught errors on any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
