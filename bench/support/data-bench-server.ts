/**
 * The companion server for the data-list benchmark, in its own process, on a data directory the
 * benchmark owns (it is not deleted here): `node --import tsx data-bench-server.ts DIR [--seed]`.
 * Starting it creates the demo configuration's data tables; `--seed` adds the benchmark visitors (with
 * passwords and roles) and their accounts. Prints "listening on URL" and, on SIGTERM, closes cleanly
 * so the SQLite file is left checkpointed for the bulk generator.
 */
import { readFile } from 'node:fs/promises';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { seedContacts, startPortalServer } from '@portalkit/server';
import { ACCOUNT_A, DATA_BENCH_PASSWORD, DATA_BENCH_VISITORS, STAFF_ACCOUNT } from './data-bench-plan.js';

const dataDir = process.argv[2];
if (!dataDir || dataDir.startsWith('--')) throw new Error('usage: data-bench-server.ts DATA_DIR|POSTGRES_URL [--seed]');
const config = JSON.parse(await readFile(new URL('../../examples/contoso/portal.config.json', import.meta.url), 'utf8'));
// A postgres:// URL instead of a directory runs it on PostgreSQL (bench/scale-out.ts).
const where = dataDir.startsWith('postgres://') ? { databaseUrl: dataDir } : { dataDir };
const server = await startPortalServer({ config: loadConfigOrThrow(config).model, ...where, port: 0 });
if (process.argv.includes('--seed')) {
  await seedContacts(server.context, {
    accounts: [
      { id: ACCOUNT_A, name: 'Account A' },
      { id: STAFF_ACCOUNT, name: 'Contoso staff' },
    ],
    contacts: Object.values(DATA_BENCH_VISITORS).map((visitor) => ({
      email: visitor.email,
      accountId: visitor.accountId,
      roles: [...visitor.roles],
      password: DATA_BENCH_PASSWORD,
    })),
  });
}
console.log(`listening on ${server.url}`);
process.on('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
