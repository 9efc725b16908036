import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { openEventStream } from '../support/event-stream.js';
import type { SseStream } from '../support/event-stream.js';
import { TestClient } from '../support/http-client.js';
import { DEMO_CONFIG_FILE } from '../support/portal-server.js';
import { demoConfigCopy, runPortalkit } from '../support/run-cli.js';
import { createTestStorage } from '../support/test-database.js';
import type { TestStorage } from '../support/test-database.js';

const bin = fileURLToPath(new URL('../../packages/server/bin/portalkit.js', import.meta.url));
const PASSWORD = 'Serve-Process-2026!';

/**
 * `portalkit serve` as an operator runs it: a real process, a config file, a data directory. What
 * only the process has is tested here: the printed URL, SIGHUP reloading the configuration (a valid
 * edit reaches open pages, a broken one is refused and the old one stays), and a clean SIGTERM.
 */
describe('portalkit serve (a real process)', () => {
  let config: Awaited<ReturnType<typeof demoConfigCopy>>;
  let storage: TestStorage;
  let server: ChildProcess;
  let url: string;
  let output = '';
  const streams: SseStream[] = [];

  before(async () => {
    config = await demoConfigCopy();
    storage = await createTestStorage();
    const added = await runPortalkit(['contacts', 'add', '--config', config.file, ...storage.cliArgs, '--email', 'serve@example.test'], {
      stdin: `${PASSWORD}\n`,
    });
    assert.equal(added.code, 0, added.stderr);
    // On PostgreSQL the server finds its database through PORTALKIT_DB, as an operator's unit file
    // would set it; the CLI commands here take --db.
    server = spawn(process.execPath, [bin, 'serve', '--config', config.file, '--data', storage.dataDir, '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(storage.url ? { PORTALKIT_DB: storage.url } : {}) },
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 15_000;
    while (!/listening on (\S+)/.test(output)) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    url = /listening on (\S+)/.exec(output)![1]!;
  });

  after(async () => {
    for (const stream of streams) stream.close();
    if (server.exitCode === null) {
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    await storage.remove();
    await config.remove();
  });

  test('prints its URL and serves discovery with that URL as issuer', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = await new TestClient(url).get('/.well-known/portalkit');
    assert.equal(discovery.status, 200);
    assert.equal(discovery.body.issuer, url);
  });

  test('SIGHUP with a valid edit reloads the configuration and tells open pages within 2 s', async () => {
    const client = new TestClient(url);
    assert.equal((await client.post('/auth/local/sign-in', { login: 'serve@example.test', password: PASSWORD })).status, 200);
    const before = decodeJwt((await client.get('/permissions')).text);
    assert.equal((before['tables'] as Record<string, unknown>)['announcement'] !== undefined, true);

    const stream = await openEventStream(`${url}/events`, { origin: url, cookie: [...client.cookies].map(([n, v]) => `${n}=${v}`).join('; ') });
    streams.push(stream);
    await stream.until(() => stream.comments.length > 0);

    // The operator takes announcements away from signed-in contacts.
    const edited = JSON.parse(await readFile(config.file, 'utf8'));
    edited.tablePermissions[0].roles = ['Anonymous Users'];
    await writeFile(config.file, JSON.stringify(edited));
    const sentAt = Date.now();
    server.kill('SIGHUP');
    const event = await stream.next('permissions-changed', 2_000);
    assert.ok(event.receivedAt - sentAt < 2_000, `took ${event.receivedAt - sentAt} ms`);

    const after = decodeJwt((await client.get('/permissions')).text);
    assert.equal((after['tables'] as Record<string, unknown>)['announcement'], undefined);
    assert.notEqual(after['ver'], before['ver']);
    assert.match(output, /Configuration reloaded\./);
  });

  test('SIGHUP with a broken edit keeps the configuration in force and says why', async () => {
    const client = new TestClient(url);
    const before = (await client.get('/permissions')).text;
    await writeFile(config.file, '{ "site": { "name": "broken" } }');
    const mark = output.length;
    server.kill('SIGHUP');
    const deadline = Date.now() + 5_000;
    while (!/Configuration not reloaded/.test(output.slice(mark)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.match(output.slice(mark), /Configuration not reloaded \(\d+ errors\); the previous one stays in force/);
    assert.match(output.slice(mark), /\$\.webRoles: .*missing the required property "webRoles"/);
    assert.equal(decodeJwt((await client.get('/permissions')).text)['ver'], decodeJwt(before)['ver']);
    const audit = await runPortalkit(['audit', 'tail', '--config', DEMO_CONFIG_FILE, ...storage.cliArgs]);
    const reloads = audit.stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((record) => record.action === 'config-reload');
    assert.deepEqual(reloads.map((record) => record.outcome), ['success', 'failure']);
  });

  test('SIGTERM stops it cleanly', async () => {
    server.kill('SIGTERM');
    const code = await new Promise((resolve) => server.once('exit', resolve));
    assert.equal(code, 0);
  });
});
