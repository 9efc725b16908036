/**
 * Helpers for the local-authentication tests: contacts made through the real registration route (so
 * their password hashes are the server's own), the audit log and rate-limit table as the server wrote
 * them, and the real `portalkit` bin as a child process.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { TestClient, TestResponse } from './http-client.js';
import { DEMO_CONFIG_FILE } from './portal-server.js';
import type { TestServer } from './portal-server.js';

/** Meets the demo policy (12 characters, 3 of 4 classes). */
export const STRONG_PASSWORD = 'Correct-horse-battery-1';

export interface CreatedContact {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

let serial = 0;
/** A unique email for this process. */
export function uniqueEmail(prefix = 'visitor'): string {
  serial += 1;
  return `${prefix}-${process.pid}-${serial}@example.com`;
}

/**
 * Registers a contact over HTTP (the server must allow open registration) from a throw-away client,
 * then forgets the registration rate-limit counts, so setting up many contacts trips no limit.
 */
export async function createContact(
  t: TestServer,
  input: { email?: string; username?: string; password?: string } = {},
): Promise<CreatedContact> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? STRONG_PASSWORD;
  const response = await t.client().post('/auth/local/register', { email, password, ...(input.username ? { username: input.username } : {}) });
  assert.equal(response.status, 201, `registering ${email}: ${response.text}`);
  await clearRateLimits(t, 'register:');
  return { id: response.body.contact.id, email, password };
}

/** Deletes rate-limit counters (those whose key starts with `prefix`), as if their windows had passed. */
export async function clearRateLimits(t: TestServer, prefix = ''): Promise<void> {
  await t.server.context.db.deleteFrom('pk_rate_limits').where('key', 'like', `${prefix}%`).execute();
}

export function signIn(client: TestClient, login: string, password: string): Promise<TestResponse> {
  return client.post('/auth/local/sign-in', { login, password });
}

/** A client holding a fresh server-side session of the contact (another browser, already signed in). */
export async function signedInClient(t: TestServer, contactId: string): Promise<{ client: TestClient; idHash: string }> {
  const session = await t.server.context.sessions.create(contactId, { ip: '127.0.0.1' });
  const client = t.client();
  client.cookies.set(t.server.context.cookie.name, session.token);
  return { client, idHash: session.idHash };
}

/** Audit rows, oldest first, optionally of one action. */
export async function auditRows(t: TestServer, action?: string): Promise<Array<{ action: string; outcome: string; actor: string | null; subject: string | null; detail: Record<string, unknown> }>> {
  let query = t.server.context.db.selectFrom('pk_audit').selectAll().orderBy('id');
  if (action !== undefined) query = query.where('action', '=', action);
  const rows = await query.execute();
  return rows.map((row) => ({ action: row.action, outcome: row.outcome, actor: row.actor, subject: row.subject, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

export async function credentialOf(t: TestServer, contactId: string): Promise<{ failed_attempts: number; locked_until: number | null; password_hash: string } | undefined> {
  return t.server.context.db
    .selectFrom('pk_credentials')
    .select(['failed_attempts', 'locked_until', 'password_hash'])
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
}

/** Polls until `probe` returns something other than undefined. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const BIN = fileURLToPath(new URL('../../packages/server/bin/portalkit.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `portalkit` bin; `stdin` is written to its standard input (then closed). */
export function portalkit(args: readonly string[], stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A temporary copy of the demo configuration (edited by `mutate`), removed by `dispose`. */
export async function demoConfigCopy(mutate?: (config: any) => void): Promise<{ file: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'portalkit-config-'));
  const config = JSON.parse(await readFile(DEMO_CONFIG_FILE, 'utf8'));
  mutate?.(config);
  const file = join(dir, 'portal.config.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * An invitation written straight into the database, as `portalkit invite` stores it (the code's SHA-256,
 * never the code). Returns the code.
 */
export async function createInvitation(
  t: TestServer,
  input: { email?: string; roles?: string[]; accountId?: string; maxRedemptions?: number; expiresInMs?: number } = {},
): Promise<string> {
  const code = randomBytes(32).toString('base64url');
  const now = t.clock.now();
  await t.server.context.db
    .insertInto('pk_invitations')
    .values({
      code_hash: createHash('sha256').update(code).digest('hex'),
      email_key: input.email?.toLowerCase() ?? null,
      roles: JSON.stringify(input.roles ?? []),
      account_id: input.accountId ?? null,
      max_redemptions: input.maxRedemptions ?? 1,
      redemptions: 0,
      expires_at: now + (input.expiresInMs ?? 24 * 60 * 60 * 1000),
      created_at: now,
    })
    .execute();
  return code;
}

/** An account row; returns its id. */
export async function createAccount(t: TestServer, name = 'Fabrikam'): Promise<string> {
  const id = randomUUID();
  const now = t.clock.now();
  await t.server.context.db.insertInto('account').values({ id, name, parentaccountid: null, createdon: now, modifiedon: now }).execute();
  return id;
}
