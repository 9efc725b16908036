// The Contoso demo portal as one function: the companion server on SQLite with the demo configuration,
// the demo pages (./pages) and the CDN build (root dist/: portalkit.js + chunks/) served next to the
// API, demo accounts and contacts seeded idempotently, demo rows on first start. Used by `npm start`
// (scripts/demo.mjs) and by the end-to-end test (test/e2e/demo-portal.test.ts).
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigHolder, readConfigFile, seedContacts, startPortalServer } from '@portalkit/server';
import { seedDemoData } from './demo-data.mjs';

export const DEMO_CONFIG_FILE = fileURLToPath(new URL('./portal.config.json', import.meta.url));
export const DEMO_PAGES_DIR = fileURLToPath(new URL('./pages', import.meta.url));
/** The CDN build (`npm run build`): `portalkit.js` and `chunks/`. */
export const CDN_DIR = fileURLToPath(new URL('../../dist', import.meta.url));

// Demo credentials: printed on purpose, for a local demo only. Never reuse them anywhere.
export const DEMO_ACCOUNTS = [
  { id: 'demo-account-fabrikam', name: 'Fabrikam, Inc.' },
  { id: 'demo-account-northwind', name: 'Northwind Traders' },
];
export const DEMO_CONTACTS = [
  { email: 'anna@fabrikam.example', username: 'anna', firstname: 'Anna', lastname: 'Andersen', accountId: 'demo-account-fabrikam', roles: [], password: 'Demo-Anna-2026!' },
  { email: 'paul@fabrikam.example', username: 'paul', firstname: 'Paul', lastname: 'Peters', accountId: 'demo-account-fabrikam', roles: ['Partner Managers'], password: 'Demo-Paul-2026!' },
  { email: 'nora@northwind.example', username: 'nora', firstname: 'Nora', lastname: 'Nilsen', accountId: 'demo-account-northwind', roles: ['Partner Managers'], password: 'Demo-Nora-2026!' },
  { email: 'sam@contoso.example', username: 'sam', firstname: 'Sam', lastname: 'Support', roles: ['Support Agents'], password: 'Demo-Sam-2026!' },
];

/** The demo pages, by path (what the console lists). */
export const DEMO_PAGES = [
  { path: '/', title: 'Home: sign-in and protected teasers' },
  { path: '/partners/', title: 'Partners: page rule (Partner Managers, Support Agents)' },
  { path: '/incidents/', title: 'Incidents: entity lists of incidents and notes (signed in)' },
  { path: '/profile/', title: 'Profile: the profile form (signed in)' },
  { path: '/reset-password/', title: 'Password reset: where the reset mail links (?token=…)' },
];

/** Whether the CDN build exists (`npm run build` makes it). */
export async function cdnBuilt() {
  return access(`${CDN_DIR}/portalkit.js`).then(() => true, () => false);
}

/**
 * Starts the demo portal.
 * @param {{ dataDir: string, port?: number, host?: string, cdnDir?: string, logger?: boolean, echoMail?: (message: import('@portalkit/server').MailMessage) => void }} options
 *   `cdnDir`: where `portalkit.js` and `chunks/` are (default: the root `dist/` of `npm run build`).
 */
export async function startDemoPortal(options) {
  const loaded = await readConfigFile(DEMO_CONFIG_FILE);
  if (!loaded.ok) {
    throw new Error(loaded.errors.map((issue) => `${DEMO_CONFIG_FILE}: ${issue.path}: ${issue.message}`).join('\n'));
  }
  const config = new ConfigHolder(loaded.model, DEMO_CONFIG_FILE);
  const server = await startPortalServer({
    config,
    dataDir: options.dataDir,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8787,
    logger: options.logger ?? false,
    pages: { root: DEMO_PAGES_DIR, assets: [options.cdnDir ?? CDN_DIR] },
    ...(options.echoMail ? { echoMail: options.echoMail } : {}),
  });
  try {
    const seeded = await seedContacts(server.context, { accounts: DEMO_ACCOUNTS, contacts: DEMO_CONTACTS });
    const customers = [];
    for (const contact of DEMO_CONTACTS.filter((c) => c.accountId)) {
      const row = await server.context.contacts.byEmail(contact.email);
      if (row) customers.push({ id: row.id, accountid: row.accountid });
    }
    const data = await seedDemoData(server.context, customers);
    return { server, url: server.url, config, siteName: loaded.model.site.name, seeded, data, close: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}
