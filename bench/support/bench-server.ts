/**
 * The companion server as benchmarks run it: its own process (so the load generator does not share
 * its event loop), a fresh SQLite file, the demo configuration, and one seeded contact per demo role.
 * `--relaxed-limits` lifts the per-IP and per-login rate limits so sign-in throughput shows the
 * password hash's bound instead of the limiter's. `--db postgres://…` runs it on that PostgreSQL
 * database instead (several instances may share it; seeding skips what exists). Prints "listening on URL".
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { seedContacts, startPortalServer } from '@portalkit/server';
import { BENCH_CONTACTS, BENCH_PASSWORD } from './bench-accounts.js';


const relaxed = process.argv.includes('--relaxed-limits');
const unlimited = { max: 1_000_000, windowSeconds: 60 };
const config = JSON.parse(await readFile(new URL('../../examples/contoso/portal.config.json', import.meta.url), 'utf8'));
const dbFlag = process.argv.indexOf('--db');
const databaseUrl = dbFlag >= 0 ? process.argv[dbFlag + 1] : undefined;
const dataDir = await mkdtemp(join(tmpdir(), 'portalkit-bench-'));
const server = await startPortalServer({
  config: loadConfigOrThrow(config).model,
  ...(databaseUrl ? { databaseUrl } : { dataDir }),
  port: 0,
  ...(relaxed ? { rateLimits: { signInPerIp: unlimited, signInPerLogin: unlimited } } : {}),
});
await seedContacts(server.context, {
  accounts: [{ id: 'bench-account', name: 'Bench' }],
  contacts: BENCH_CONTACTS.map((contact) => ({ ...contact, roles: [...contact.roles], password: BENCH_PASSWORD })),
});
console.log(`listening on ${server.url}`);
process.on('SIGTERM', async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
});
