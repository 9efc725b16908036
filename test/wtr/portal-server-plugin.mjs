/**
 * web-test-runner plugin: a REAL PortalKit companion server for browser tests. At `serverStart` it writes
 * the Contoso demo configuration (examples/contoso/portal.config.json) to a temporary directory with the
 * test page origin (`http://<wtr hostname>:<wtr port>`, so wtr must listen on 127.0.0.1 to stay same-site
 * with the server) added to `site.origins`, spawns `node packages/server/bin/portalkit.js serve --config
 * <tmp>/portal.config.json --data <tmp>/data --host 127.0.0.1 --port 0 --quiet`, waits for "PortalKit
 * listening on URL", keeps every echoed `[mail] to …` message from the child's stdout, and seeds the demo
 * contacts of scripts/demo.mjs through the CLI (`contacts add`, password on stdin; no accounts: the CLI
 * cannot create them). `serverStop` kills the child and removes the temporary directory.
 *
 * Contract for tests (and other helpers):
 * - Virtual module `/__portalkit__.js` exports `serverUrl` (e.g. "http://127.0.0.1:40123", no trailing
 *   slash), `pageOrigin`, `demo` ({ anna, paul, nora, sam }: each { email, username, password, roles }),
 *   and `tabPageUrl` (see below). Import it with `import { serverUrl } from '/__portalkit__.js'`.
 * - Page `/__portalkit__/tab.html?server=URL` (served by wtr, same origin as the tests): a second "tab"
 *   for iframes/window.open. It runs `createPortalClient({ server })` from packages/sdk/src and posts
 *   `{ type: 'portalkit-tab-state', state }` (the client state, JSON-cloned) to its parent/opener on every
 *   change; it obeys `{ type: 'portalkit-tab-sign-out' }` and `{ type: 'portalkit-tab-sign-in', login,
 *   password }` messages from its parent/opener.
 * - Commands (tests call `executeServerCommand(name, payload)` from '@web/test-runner-commands'):
 *   - `portalkit-cli` { args: string[], stdin?: string } → { code, stdout, stderr }: runs the portalkit
 *     CLI against the same configuration and data; `--config <cfg>` is appended for every command but
 *     `check-config` (which gets the path as its argument), `--data <dir>` for data commands
 *     (contacts, roles, invite, keys, audit).
 *   - `portalkit-create-contact` { roles?: string[], password?: string } → { id, email, username,
 *     password, roles }: a fresh contact nobody else uses (so lockout and rate limits stay per test).
 *   - `portalkit-last-mail` { to } → { to, subject, text } | false: the newest echoed mail to `to`.
 *   - `portalkit-mail-count` { to } → number: how many mails went to `to` (poll for a new one).
 *   - `portalkit-reset-rate-limits` → true: empties the server's rate-limit windows (every test page
 *     comes from 127.0.0.1, so the per-address limits are shared by all tests; call it before a test
 *     that signs in many times). Lockout state is untouched.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'packages/server/bin/portalkit.js');
const BASE_CONFIG = join(ROOT, 'examples/contoso/portal.config.json');
const DATA_COMMANDS = new Set(['contacts', 'roles', 'invite', 'keys', 'audit']);
const START_TIMEOUT_MS = 30_000;

/** The demo contacts of scripts/demo.mjs (without their accounts). Test-only credentials. */
const DEMO = {
  anna: { email: 'anna@fabrikam.example', username: 'anna', firstname: 'Anna', lastname: 'Andersen', roles: [], password: 'Demo-Anna-2026!' },
  paul: { email: 'paul@fabrikam.example', username: 'paul', firstname: 'Paul', lastname: 'Peters', roles: ['Partner Managers'], password: 'Demo-Paul-2026!' },
  nora: { email: 'nora@northwind.example', username: 'nora', firstname: 'Nora', lastname: 'Nilsen', roles: ['Partner Managers'], password: 'Demo-Nora-2026!' },
  sam: { email: 'sam@contoso.example', username: 'sam', firstname: 'Sam', lastname: 'Support', roles: ['Support Agents'], password: 'Demo-Sam-2026!' },
};

/**
 * Runs the CLI; resolves with its exit code and output (never rejects on a non-zero exit). A run that
 * died on SQLITE_BUSY (the CLI and the running server share the database file) changed nothing and is
 * tried again.
 */
async function runCli(args, stdin) {
  for (let attempt = 1; ; attempt++) {
    const result = await runCliOnce(args, stdin);
    if (result.code === 0 || !/SQLITE_BUSY/.test(result.stderr) || attempt >= 5) return result;
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
}

function runCliOnce(args, stdin) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Parses the child's stdout into mails: a `[mail] to X: subject` line starts one, body lines follow. */
class MailLog {
  mails = [];
  #partial = '';

  push(chunk) {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      const header = /^\[mail\] to (.+?): (.*)$/.exec(line);
      if (header) this.mails.push({ to: header[1], subject: header[2], lines: [] });
      else if (/^PortalKit listening on /.test(line)) continue;
      else this.mails.at(-1)?.lines.push(line);
    }
  }

  to(address) {
    return this.mails.filter((mail) => mail.to.toLowerCase() === String(address).toLowerCase());
  }
}

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function portalServerPlugin() {
  let child;
  let tmp;
  let configFile;
  let dataDir;
  let serverUrl;
  let pageOrigin;
  let counter = 0;
  const mails = new MailLog();

  const cliArgs = (args) => {
    const [command] = args;
    if (command === 'check-config') return [...args, configFile];
    return [...args, '--config', configFile, ...(DATA_COMMANDS.has(command) ? ['--data', dataDir] : [])];
  };

  const addContact = async ({ email, username, roles = [], password, firstname, lastname }) => {
    const args = ['contacts', 'add', '--email', email, '--username', username, ...roles.flatMap((role) => ['--role', role])];
    if (firstname) args.push('--first-name', firstname);
    if (lastname) args.push('--last-name', lastname);
    const result = await runCli(cliArgs(args), `${password}\n`);
    if (result.code !== 0) throw new Error(`portalkit contacts add ${email} failed: ${result.stderr || result.stdout}`);
    // `contacts add` prints the new contact's id.
    return { id: result.stdout.trim(), email, username, password, roles };
  };

  return {
    name: 'portalkit-server',

    async serverStart({ config }) {
      pageOrigin = `http://${config.hostname ?? '127.0.0.1'}:${config.port}`;
      tmp = await mkdtemp(join(tmpdir(), 'portalkit-wtr-'));
      configFile = join(tmp, 'portal.config.json');
      dataDir = join(tmp, 'data');
      const base = JSON.parse(await readFile(BASE_CONFIG, 'utf8'));
      delete base.$schema;
      base.site.origins = [...base.site.origins, pageOrigin];
      await writeFile(configFile, JSON.stringify(base, null, 2));

      child = spawn(process.execPath, [CLI, 'serve', '--config', configFile, '--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--quiet'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      serverUrl = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`portalkit serve did not start: ${stderr}`)), START_TIMEOUT_MS);
        let seen = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
          mails.push(chunk);
          seen += chunk;
          const match = /PortalKit listening on (\S+)/.exec(seen);
          if (match) {
            clearTimeout(timer);
            resolve(match[1].replace(/\/+$/, ''));
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`portalkit serve exited (${code}): ${stderr}`));
        });
      });
      for (const contact of Object.values(DEMO)) await addContact(contact);
    },

    async serverStop() {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },

    serve(context) {
      if (context.path === '/__portalkit__.js') {
        return {
          type: 'js',
          body: [
            `export const serverUrl = ${JSON.stringify(serverUrl)};`,
            `export const pageOrigin = ${JSON.stringify(pageOrigin)};`,
            `export const demo = ${JSON.stringify(DEMO)};`,
            `export const tabPageUrl = ${JSON.stringify(`/__portalkit__/tab.html?server=${encodeURIComponent(serverUrl)}`)};`,
          ].join('\n'),
        };
      }
      if (context.path === '/__portalkit__/tab.html') return { type: 'html', body: TAB_PAGE };
      return undefined;
    },

    async executeCommand({ command, payload }) {
      switch (command) {
        case 'portalkit-cli':
          return runCli(cliArgs(payload.args), payload.stdin);
        case 'portalkit-create-contact': {
          const n = `${Date.now().toString(36)}${(counter++).toString(36)}`;
          return addContact({
            email: `t-${n}@test.example`,
            username: `t-${n}`,
            roles: payload?.roles ?? [],
            password: payload?.password ?? `Fresh-Pass-${n}!`,
          });
        }
        case 'portalkit-last-mail': {
          const mail = mails.to(payload.to).at(-1);
          // `false`, not null: wtr reads a null result as "command not handled".
          return mail ? { to: mail.to, subject: mail.subject, text: mail.lines.join('\n').trim() } : false;
        }
        case 'portalkit-mail-count':
          return mails.to(payload.to).length;
        case 'portalkit-reset-rate-limits': {
          const require = createRequire(join(ROOT, 'packages/server/package.json'));
          const SQLite = require('better-sqlite3');
          const db = new SQLite(join(dataDir, 'portalkit.db'));
          try {
            db.pragma('busy_timeout = 5000');
            db.prepare('DELETE FROM pk_rate_limits').run();
          } finally {
            db.close();
          }
          return true;
        }
        default:
          return undefined;
      }
    },
  };
}

/** The second "tab": a real SDK client in its own document, reporting its state to whoever opened it. */
const TAB_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>PortalKit test tab</title>
<script type="module">
  const { createPortalClient } = await import('/packages/sdk/src/index.ts');
  const server = new URLSearchParams(location.search).get('server');
  const client = createPortalClient({ server });
  const report = (state) => {
    const message = { type: 'portalkit-tab-state', state: JSON.parse(JSON.stringify(state, (key, value) => (value instanceof Error ? { name: value.name, message: value.message } : value))) };
    (window.opener ?? window.parent).postMessage(message, location.origin);
  };
  client.subscribe(report);
  report(client.state);
  window.addEventListener('message', async (event) => {
    if (event.origin !== location.origin) return;
    if (event.data?.type === 'portalkit-tab-sign-out') await client.signOut();
    if (event.data?.type === 'portalkit-tab-sign-in') await client.signIn({ login: event.data.login, password: event.data.password });
  });
</script>
`;
