/**
 * Server benchmark (issue 3): `GET /permissions` for a signed-in visitor and `POST /auth/local/sign-in`,
 * with autocannon on loopback, the server in its own process.
 *
 *   npm run bench:server
 *
 * Anchor, measured in the same run: a Fastify process answering a fixed body of the permission set's
 * size with no work at all (the ceiling for one Node process on this machine). Goals: ≥ 3,000
 * permission sets/s per core with p99 < 10 ms; sign-ins bounded by the hash, ≥ 15/s per core, and
 * fast 429s beyond (no collapse).
 */
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnListening } from './support/processes.js';
import { BENCH_CONTACTS, BENCH_PASSWORD } from './support/bench-accounts.js';

const DURATION_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const benchServer = fileURLToPath(new URL('./support/bench-server.ts', import.meta.url));
const fixedServer = fileURLToPath(new URL('./support/fixed-response-server.mjs', import.meta.url));

interface Row {
  name: string;
  result: Result;
  note?: string;
}

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION_SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function signIn(url: string, login: string): Promise<string> {
  const response = await fetch(`${url}/auth/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'x-portalkit-request': '1' },
    body: JSON.stringify({ login, password: BENCH_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
}

const rows: Row[] = [];
const cores = availableParallelism();

// 1. Permission sets, against the anchor.
{
  const server = await spawnListening(['--import', 'tsx', benchServer]);
  try {
    const cookie = await signIn(server.url, BENCH_CONTACTS[0]!.email);
    const sample = await fetch(`${server.url}/permissions`, { headers: { cookie } });
    const token = await sample.text();
    const anchor = await spawnListening([fixedServer, String(token.length)]);
    try {
      rows.push({ name: `anchor: fixed ${token.length}-byte body`, result: await run({ url: anchor.url, connections: 10 }) });
    } finally {
      await anchor.stop();
    }
    rows.push({ name: 'GET /permissions (signed in)', result: await run({ url: `${server.url}/permissions`, connections: 10, headers: { cookie } }) });
    const etag = sample.headers.get('etag') ?? '';
    rows.push({
      name: 'GET /permissions, If-None-Match → 304',
      result: await run({ url: `${server.url}/permissions`, connections: 10, headers: { cookie, 'if-none-match': etag } }),
    });
    rows.push({ name: 'GET /permissions (anonymous)', result: await run({ url: `${server.url}/permissions`, connections: 10 }) });
  } finally {
    await server.stop();
  }
}

// 2. Sign-ins bounded by the hash (rate limits lifted), then a flood (64 connections) against the bound.
const signInRequest = (login: string): Omit<autocannon.Options, 'url'> => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-portalkit-request': '1' },
  body: JSON.stringify({ login, password: BENCH_PASSWORD }),
});
{
  const server = await spawnListening(['--import', 'tsx', benchServer, '--relaxed-limits']);
  try {
    const options = signInRequest(BENCH_CONTACTS[1]!.email);
    const headers = { ...options.headers, origin: server.url };
    rows.push({ name: 'POST /auth/local/sign-in, 4 connections', result: await run({ ...options, headers, url: `${server.url}/auth/local/sign-in`, connections: 4 }) });
    rows.push({ name: 'POST /auth/local/sign-in, flood of 64', result: await run({ ...options, headers, url: `${server.url}/auth/local/sign-in`, connections: 64 }) });
  } finally {
    await server.stop();
  }
}

// 3. The same flood with production rate limits: almost everything is a quick 429.
{
  const server = await spawnListening(['--import', 'tsx', benchServer]);
  try {
    const options = signInRequest(BENCH_CONTACTS[1]!.email);
    rows.push({
      name: 'POST /auth/local/sign-in, flood, default limits',
      result: await run({ ...options, headers: { ...options.headers, origin: server.url }, url: `${server.url}/auth/local/sign-in`, connections: 64 }),
    });
  } finally {
    await server.stop();
  }
}

const anchorRate = rows[0]!.result.requests.average;
const okPerSecond = (result: Result): number => (result['2xx'] + result['3xx']) / DURATION_SECONDS;
const table = rows.map(({ name, result }) => [
  name,
  `${Math.round(okPerSecond(result)).toLocaleString('en')}/s`,
  `${(okPerSecond(result) / anchorRate).toFixed(3)}×`,
  `${result.latency.p50} ms`,
  `${result.latency.p99} ms`,
  `${result['4xx'].toLocaleString('en')}`,
  `${result['5xx'] + result.errors + result.timeouts}`,
]);
const header = ['scenario', 'answered ok', 'vs anchor', 'p50', 'p99', '4xx (429)', '5xx/errors'];
const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
console.log(`\nServer benchmark: ${DURATION_SECONDS} s per scenario, one server process (its JavaScript runs on one core;`);
console.log(`argon2 uses the thread pool), autocannon in this process, ${cores} cores, Node ${process.version}\n`);
for (const row of [header, ...table]) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));

const signedIn = rows.find((row) => row.name.startsWith('GET /permissions (signed in)'))!.result;
const hashBound = rows.find((row) => row.name.includes('4 connections'))!.result;
const flood = rows.find((row) => row.name.includes('flood of 64'))!.result;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
console.log(`
Goals (issue 3):
  permission sets per core ≥ 3,000/s, p99 < 10 ms: ${Math.round(okPerSecond(signedIn)).toLocaleString('en')}/s, p99 ${signedIn.latency.p99} ms → ${verdict(okPerSecond(signedIn) >= 3000 && signedIn.latency.p99 < 10)}
  sign-ins bounded by the hash, ≥ 15/s per core: ${(okPerSecond(hashBound) / cores).toFixed(0)}/s per core → ${verdict(okPerSecond(hashBound) / cores >= 15)}
  a flood gets fast 429s and sign-ins go on: ${Math.round(okPerSecond(flood))}/s ok (${(okPerSecond(flood) / okPerSecond(hashBound)).toFixed(2)}× the unflooded rate), 429 p50 ${flood.latency.p50} ms, no 5xx → ${verdict(okPerSecond(flood) >= 15 && flood['5xx'] === 0)}`);
