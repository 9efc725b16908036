#!/usr/bin/env node
// `npm start`: the Contoso demo portal, as far as the product is built. Starts the companion server on
// SQLite (./.portalkit/demo), seeds demo accounts and one contact per web role (idempotently), and
// prints the URL and the credentials. Ctrl+C stops it; SIGHUP reloads the configuration.
import { fileURLToPath } from 'node:url';
import { ConfigHolder, readConfigFile, seedContacts, startPortalServer } from '@portalkit/server';
import { seedDemoData } from '../examples/contoso/demo-data.mjs';

const configFile = fileURLToPath(new URL('../examples/contoso/portal.config.json', import.meta.url));
const dataDir = fileURLToPath(new URL('../.portalkit/demo', import.meta.url));
const port = Number(process.env.PORT ?? 8787);

// Demo credentials: printed on purpose, for a local demo only. Never reuse them anywhere.
const DEMO_ACCOUNTS = [
  { id: 'demo-account-fabrikam', name: 'Fabrikam, Inc.' },
  { id: 'demo-account-northwind', name: 'Northwind Traders' },
];
const DEMO_CONTACTS = [
  { email: 'anna@fabrikam.example', username: 'anna', firstname: 'Anna', lastname: 'Andersen', accountId: 'demo-account-fabrikam', roles: [], password: 'Demo-Anna-2026!' },
  { email: 'paul@fabrikam.example', username: 'paul', firstname: 'Paul', lastname: 'Peters', accountId: 'demo-account-fabrikam', roles: ['Partner Managers'], password: 'Demo-Paul-2026!' },
  { email: 'nora@northwind.example', username: 'nora', firstname: 'Nora', lastname: 'Nilsen', accountId: 'demo-account-northwind', roles: ['Partner Managers'], password: 'Demo-Nora-2026!' },
  { email: 'sam@contoso.example', username: 'sam', firstname: 'Sam', lastname: 'Support', roles: ['Support Agents'], password: 'Demo-Sam-2026!' },
];

const loaded = await readConfigFile(configFile);
if (!loaded.ok) {
  for (const issue of loaded.errors) console.error(`${configFile}: ${issue.path}: ${issue.message}`);
  process.exit(1);
}
const config = new ConfigHolder(loaded.model, configFile);
const server = await startPortalServer({
  config,
  dataDir,
  port,
  logger: false,
  echoMail: (message) => console.log(`\n[mail to ${message.to}] ${message.subject}\n${message.text}\n`),
});
const seeded = await seedContacts(server.context, { accounts: DEMO_ACCOUNTS, contacts: DEMO_CONTACTS });
const customers = [];
for (const contact of DEMO_CONTACTS.filter((c) => c.accountId)) {
  const row = await server.context.contacts.byEmail(contact.email);
  if (row) customers.push({ id: row.id, accountid: row.accountid });
}
const data = await seedDemoData(server.context, customers);

console.log(`
PortalKit demo: ${loaded.model.site.name}
  server     ${server.url}
  discovery  ${server.url}/.well-known/portalkit
  data       ${dataDir}${seeded.created > 0 ? ` (seeded ${seeded.created} contacts, ${data.incidents} incidents, ${data.notes} notes)` : ''}

Demo contacts (sign in with email or username; POST ${server.url}/auth/local/sign-in):
${DEMO_CONTACTS.map((c) => `  ${c.username.padEnd(6)} ${c.email.padEnd(24)} ${c.password.padEnd(17)} ${['Authenticated Users', ...c.roles].join(', ')}`).join('\n')}

Try:  npx portalkit explain --config examples/contoso/portal.config.json --role "Partner Managers"
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
