#!/usr/bin/env node
// `npm start`: the Contoso demo portal. Starts the companion server on SQLite (./.portalkit/demo) with
// the demo pages (examples/contoso/pages) and the CDN build (dist/portalkit.js) served next to the
// API, seeds demo accounts and one contact per web role (idempotently), and prints the page URLs and
// the credentials. Ctrl+C stops it; SIGHUP reloads the configuration.
import { fileURLToPath } from 'node:url';
import { cdnBuilt, DEMO_CONTACTS, DEMO_PAGES, startDemoPortal } from '../examples/contoso/demo-portal.mjs';

const dataDir = fileURLToPath(new URL('../.portalkit/demo', import.meta.url));
const port = Number(process.env.PORT ?? 8787);

if (!(await cdnBuilt())) console.warn('dist/portalkit.js is missing: run `npm run build` (npm start does) or the pages have no elements.');

let portal;
try {
  portal = await startDemoPortal({
    dataDir,
    port,
    echoMail: (message) => console.log(`\n[mail to ${message.to}] ${message.subject}\n${message.text}\n`),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const { server, config, seeded, data } = portal;

console.log(`
PortalKit demo: ${portal.siteName}
  server     ${server.url}
  discovery  ${server.url}/.well-known/portalkit
  data       ${dataDir}${seeded.created > 0 ? ` (seeded ${seeded.created} contacts, ${data.incidents} incidents, ${data.notes} notes)` : ''}

Pages (plain HTML in examples/contoso/pages, one <script type="module" src="/portalkit.js">):
${DEMO_PAGES.map((page) => `  ${`${server.url}${page.path}`.padEnd(36)} ${page.title}`).join('\n')}

Demo contacts (sign in on the home page with email or username):
${DEMO_CONTACTS.map((c) => `  ${c.username.padEnd(6)} ${c.email.padEnd(24)} ${c.password.padEnd(17)} ${['Authenticated Users', ...c.roles].join(', ')}`).join('\n')}

Try:  npx portalkit roles assign --config examples/contoso/portal.config.json --data .portalkit/demo --email anna@fabrikam.example --role "Partner Managers"
      (open pages follow within seconds), or
      npx portalkit explain --config examples/contoso/portal.config.json --role "Partner Managers"
Stop with Ctrl+C.`);

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.on('SIGHUP', async () => {
  const result = await config.reload();
  if (result.ok) await server.context.events.publish('permissions-changed');
  console.log(result.ok ? 'Configuration reloaded.' : `Configuration not reloaded: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
});
