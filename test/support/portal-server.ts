import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PortalConfig } from '@portalkit/core';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { ManualClock, startPortalServer } from '@portalkit/server';
import type { MailMessage, PortalServer, PortalServerOptions } from '@portalkit/server';
import { TestClient } from './http-client.js';

export const DEMO_CONFIG_FILE = fileURLToPath(new URL('../../examples/contoso/portal.config.json', import.meta.url));

/** The demo configuration, as a fresh mutable object. */
export async function demoConfig(): Promise<PortalConfig> {
  return JSON.parse(await readFile(DEMO_CONFIG_FILE, 'utf8')) as PortalConfig;
}

export interface TestServer {
  readonly server: PortalServer;
  readonly url: string;
  readonly clock: ManualClock;
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
  /** Starts from this data directory instead of a fresh one (a restart). */
  readonly dataDir?: string;
  /** Replaces some default rate limits. */
  readonly rateLimits?: PortalServerOptions['rateLimits'];
}

/**
 * A real server on 127.0.0.1 (a free port) over a real SQLite file in a temporary directory, with a
 * manual clock tests can advance. The server's own origin is an allowed origin, as for any deployment.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config = await demoConfig();
  options.configure?.(config);
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'portalkit-test-')));
  const clock = new ManualClock(Date.now());
  const mail: MailMessage[] = [];
  const server = await startPortalServer({
    config: loadConfigOrThrow(config).model,
    dataDir,
    port: 0,
    clock,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    echoMail: (message) => mail.push(message),
  });
  return {
    server,
    url: server.url,
    clock,
    dataDir,
    mail,
    client: () => new TestClient(server.url),
    async close() {
      await server.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
