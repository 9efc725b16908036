import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages/server/bin/portalkit.js');
const demoConfig = join(root, 'examples/contoso/portal.config.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `portalkit` bin as a child process. */
function portalkit(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function withConfig(mutate: (config: any) => void, run: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portalkit-cli-'));
  try {
    const config = JSON.parse(await readFile(demoConfig, 'utf8'));
    mutate(config);
    const file = join(dir, 'portal.config.json');
    await writeFile(file, JSON.stringify(config, null, 2));
    await run(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('portalkit check-config', () => {
  test('accepts the demo configuration with a summary', async () => {
    const run = await portalkit('check-config', demoConfig);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /valid\. Contoso Partner Portal: 4 tables \(\+ contact, account\), 4 web roles, 11 table permissions/);
  });

  test('rejects a broken configuration with every error and its JSON path', async () => {
    await withConfig(
      (config) => {
        config.tablePermissions[1].roles = ['Partner Manager'];
        config.tablePermissions[2].accountColumn = 'nosuchcolumn';
        config.pageRules.push({ path: '/partners/', right: 'restrictRead', roles: ['Support Agents'] });
      },
      async (file) => {
        const run = await portalkit('check-config', file);
        assert.equal(run.code, 1);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, /error \$\.tablePermissions\[1\]\.roles\[0\]: .*"Partner Manager"/);
        assert.match(run.stderr, /error \$\.tablePermissions\[2\]\.accountColumn: .*"nosuchcolumn"/);
        assert.match(run.stderr, /error \$\.pageRules\[4\]/);
        assert.match(run.stderr, /3 errors\.$/m);
      },
    );
  });

  test('reports invalid JSON with its line and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portalkit-cli-'));
    try {
      const file = join(dir, 'portal.config.json');
      await writeFile(file, '{\n  "site": {\n    "name": "x",\n  }\n}\n');
      const run = await portalkit('check-config', file);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /error \$: The file is not valid JSON: .* at line 4, column 3/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('reports a missing file and usage mistakes with exit code 1', async () => {
    const missing = await portalkit('check-config', join(tmpdir(), 'does-not-exist.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot read .*ENOENT/);
    const noFile = await portalkit('check-config');
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /expected exactly one FILE[\s\S]*Usage: portalkit check-config FILE/);
    const unknown = await portalkit('frobnicate');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const noCommand = await portalkit();
    assert.equal(noCommand.code, 1);
    assert.match(noCommand.stderr, /Usage: portalkit <command>/);
  });
});

describe('portalkit explain', () => {
  test('explains a signed-in role, adding the Authenticated role', async () => {
    const run = await portalkit('explain', '--config', demoConfig, '--role', 'Partner Managers');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /a signed-in contact with roles Authenticated Users, Partner Managers/);
    assert.match(run.stdout, /incident\s+read\s+rows whose accountid is the visitor's account; or rows whose customerid is the visitor/);
    assert.match(run.stdout, /note\s+read\s+rows linked by incidentid to incident rows whose (accountid|customerid)/);
    assert.match(run.stdout, /contact\s+cannot update\s+.*creditlimit/);
    assert.match(run.stdout, /\/partners\s+yes\s+no/);
    assert.match(run.stdout, /Website editing: manageContentSnippets/);
  });

  test('explains the anonymous visitor', async () => {
    const run = await portalkit('explain', '--config', demoConfig, '--role', 'Anonymous Users');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /a visitor who is not signed in with role Anonymous Users/);
    assert.match(run.stdout, /announcement\s+read\s+all rows/);
    assert.doesNotMatch(run.stdout, /^\s+incident\s/m);
    assert.match(run.stdout, /\/partners\s+no\s+no/);
    assert.match(run.stdout, /Website editing: none/);
  });

  test('prints the rights document as JSON', async () => {
    const run = await portalkit('explain', '--config', demoConfig, '--role', 'Support Agents', '--json');
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout);
    assert.deepEqual(document.roles, ['Authenticated Users', 'Support Agents']);
    assert.deepEqual(document.tables.incident.delete, [{ scope: 'global' }]);
    assert.ok(document.columns.incident.read.includes('internalnotes'));
  });

  test('refuses unknown roles and Anonymous combined with other roles', async () => {
    const unknown = await portalkit('explain', '--config', demoConfig, '--role', 'Admins');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown role "Admins"\. Declared roles: Anonymous Users, Authenticated Users, Partner Managers, Support Agents\./);
    const mixed = await portalkit('explain', '--config', demoConfig, '--role', 'Anonymous Users', '--role', 'Support Agents');
    assert.equal(mixed.code, 1);
    assert.match(mixed.stderr, /applies only while nobody is signed in/);
    const noRole = await portalkit('explain', '--config', demoConfig);
    assert.equal(noRole.code, 1);
    assert.match(noRole.stderr, /name at least one --role/);
    const badOption = await portalkit('explain', '--config', demoConfig, '--role', 'x', '--frob');
    assert.equal(badOption.code, 1);
    assert.match(badOption.stderr, /Unknown option '--frob'/);
  });

  test('refuses to explain an invalid configuration', async () => {
    await withConfig(
      (config) => {
        config.webRoles.push({ name: 'Second anonymous', anonymous: true });
      },
      async (file) => {
        const run = await portalkit('explain', '--config', file, '--role', 'Support Agents');
        assert.equal(run.code, 1);
        assert.match(run.stderr, /error \$\.webRoles/);
        assert.equal(run.stdout, '');
      },
    );
  });
});
