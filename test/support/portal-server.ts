import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PortalConfig } from '@portalkit/core';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { ManualClock, startPortalServer } from '@portalkit/server';
import type { MailMessage, PortalServer, PortalServerOptions } from '@portalkit/server';
import { TestClient } from './http-client.js';
import { createTestStorage } from './test-database.js';
import type { TestStorage } from './test-database.js';

export const DEMO_CONFIG_FILE = fileURLToPath(new URL('../../examples/contoso/portal.config.json', import.meta.url));

/** The demo configuration, as a fresh mutable object. */
export async function demoConfig(): Promise<PortalConfig> {
  return JSON.parse(await readFile(DEMO_CONFIG_FILE, 'utf8')) as PortalConfig;
}

export interface TestServer {
  readonly server: PortalServer;
  readonly url: string;
  readonly clock: ManualClock;
  /** Its database (SQLite file or PostgreSQL database); `storage.cliArgs` point CLI commands at it. */
  readonly storage: TestStorage;
  readonly dataDir: string;
  /** Mail the server sent, newest last. */
  readonly mail: MailMessage[];
  /** A client with an allowed Origin and no cookies. */
  client(): TestClient;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Edits the demo configuration before the server starts. */
  readonly configure?: (config: PortalConfig) => void;
  /** Starts on this storage instead of a fresh one (a restart, or another instance on the same database). */
  readonly storage?: TestStorage;
  /** Replaces some default rate limits. */
  readonly rateLimits?: PortalServerOptions['rateLimits'];
}

/**
 * A real server on 127.0.0.1 (a free port) over a real database (a SQLite file in a temporary directory,
 * or a fresh PostgreSQL database: see test-database.ts), with a manual clock tests can advance. The
 * server's own origin is an allowed origin, as for any deployment.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config = await demoConfig();
  options.configure?.(config);
  const storage = options.storage ?? (await createTestStorage());
  const clock = new ManualClock(Date.now());
  const mail: MailMessage[] = [];
  const server = await startPortalServer({
    config: loadConfigOrThrow(config).model,
    ...storage.serverOptions,
    port: 0,
    clock,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    echoMail: (message) => mail.push(message),
  });
  return {
    server,
    url: server.url,
    clock,
    storage,
    dataDir: storage.dataDir,
    mail,
    client: () => new TestClient(server.url),
    async close() {
      await server.close();
      if (!options.storage) await storage.remove();
    },
  };
}
