import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { PortalModel } from '@portalkit/core';
import { AuditLog } from '../audit/audit-log.js';
import { ConfigHolder } from '../config/config-holder.js';
import { Contacts } from '../contacts/contacts.js';
import { dataTables } from '../data/schema/data-table.js';
import { syncDataTables } from '../data/schema/sync.js';
import type { DataTable } from '../data/schema/data-table.js';
import { EventLog } from '../events/event-log.js';
import { installCors } from '../http/cors.js';
import { installCsrfGuard } from '../http/csrf.js';
import type { RateLimitPolicy } from '../http/rate-limit.js';
import { installProblemHandlers, Problem, sendProblem } from '../http/problem.js';
import { OutboxMailer } from '../mail/mailer.js';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import { sessionCookiePolicy } from '../sessions/session-cookie.js';
import type { SessionCookiePolicy } from '../sessions/session-cookie.js';
import { SessionStore } from '../sessions/session-store.js';
import { Visitors } from '../sessions/visitors.js';
import { staticPageRoutes } from '../pages/static-pages.js';
import type { PagesOptions } from '../pages/static-pages.js';
import { openDatabase } from '../storage/open-database.js';
import type { DatabaseLocation } from '../storage/open-database.js';
import { systemClock } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import type { ServerContext } from './context.js';
import { registerRoutes } from './routes.js';
import { installSecurityHeaders } from './security-headers.js';

export interface PortalServerOptions {
  /** The configuration: a holder (reloadable, from a file) or a compiled model. */
  readonly config: ConfigHolder | PortalModel;
  /** Directory for the SQLite file (the default database). */
  readonly dataDir?: string;
  /**
   * A `postgres://` URL: the data lives in that PostgreSQL database instead, and several instances
   * can share it (nothing is kept per instance). Takes precedence over `dataDir`.
   */
  readonly databaseUrl?: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** The URL visitors reach the server at; defaults to `http://host:port`. It is the permission sets' `iss`. */
  readonly publicUrl?: string;
  readonly clock?: Clock;
  readonly logger?: FastifyServerOptions['logger'];
  /** Trust `X-Forwarded-For` (only behind a proxy that sets it). */
  readonly trustProxy?: boolean;
  /** Echo outgoing mail (reset links, invitations) somewhere visible, e.g. the demo's console. */
  readonly echoMail?: (message: MailMessage) => void;
  readonly mailer?: Mailer;
  /** Replaces some default rate limits (see `DEFAULT_RATE_LIMITS`): benchmarks, embedders with other needs. */
  readonly rateLimits?: Partial<RateLimitPolicy>;
  /**
   * Let a configuration drop retained tables and columns, and drop and re-create columns whose type
   * changed (their data is lost). Off by default: data is never dropped silently.
   */
  readonly allowDestructiveSchemaChanges?: boolean;
  /** Also serve a site's pages (page rules enforced) and assets such as the CDN build (see static-pages.ts). */
  readonly pages?: PagesOptions;
}

export interface PortalServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** Where it listens, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Largest request body any identity route accepts; the data API sets its own limits per route. */
const BODY_LIMIT_BYTES = 16 * 1024;

function databaseLocation(options: PortalServerOptions): DatabaseLocation {
  if (options.databaseUrl !== undefined) return { url: options.databaseUrl };
  if (options.dataDir !== undefined) return { dataDir: options.dataDir };
  throw new TypeError('startPortalServer needs a dataDir (SQLite) or a databaseUrl (PostgreSQL).');
}

/** Opens the database, builds the HTTP server, and listens. */
export async function startPortalServer(options: PortalServerOptions): Promise<PortalServer> {
  const config = options.config instanceof ConfigHolder ? options.config : new ConfigHolder(options.config);
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(databaseLocation(options));
  const { db } = database;
  const syncData = async (model: PortalModel): Promise<void> => {
    await syncDataTables(db, database.engine, model, { allowDestructive: options.allowDestructiveSchemaChanges === true });
  };
  try {
    await syncData(config.model);
  } catch (error) {
    await database.close();
    throw error;
  }
  config.beforeSwap(syncData);

  let issuer = options.publicUrl?.replace(/\/+$/, '') ?? '';
  let cookiePolicy: SessionCookiePolicy = sessionCookiePolicy(new URL(issuer || 'http://127.0.0.1'));
  const sessions = new SessionStore(db, clock, () => config.model.authentication.session);
  const dataTablesByModel = new WeakMap<PortalModel, ReadonlyMap<string, DataTable>>();
  const context: ServerContext = {
    db,
    engine: database.engine,
    clock,
    config,
    audit: new AuditLog(db, clock),
    contacts: new Contacts(db, clock),
    events: new EventLog(db, clock, database.wakeups),
    sessions,
    visitors: new Visitors(db, sessions, () => cookiePolicy),
    mailer: options.mailer ?? new OutboxMailer(db, clock, options.echoMail),
    get issuer() {
      return issuer;
    },
    get cookie() {
      return cookiePolicy;
    },
    dataTables() {
      let tables = dataTablesByModel.get(config.model);
      if (!tables) {
        tables = dataTables(config.model);
        dataTablesByModel.set(config.model, tables);
      }
      return tables;
    },
  };

  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // Errors the router raises before any route (a malformed or over-long URL) are problems too, and
    // never echo the URL back.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void sendProblem(reply, new Problem(tooLong ? 414 : 400, tooLong ? 'uri-too-long' : 'bad-request', tooLong ? 'URI too long' : 'Bad request', 'The URL is not valid.'), request);
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: true } },
  });
  try {
    // The configured origins (re-read after a reload) and the server's own origin, compared exactly.
    const isAllowedOrigin = (origin: string): boolean =>
      origin === new URL(issuer).origin || config.model.site.origins.includes(origin);
    installProblemHandlers(app);
    installSecurityHeaders(app);
    await installCors(app, isAllowedOrigin);
    installCsrfGuard(app, isAllowedOrigin);
    await app.register(cookie);
    // Only JSON bodies: a text/plain "simple request" (what a cross-site form can send) is refused as 415.
    app.removeContentTypeParser('text/plain');
    await registerRoutes(app, context, options.rateLimits ? { rateLimits: options.rateLimits } : {});
    if (options.pages) await staticPageRoutes(app, context, options.pages);

    const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8787 });
    const url = new URL(address);
    if (url.hostname === '::1') url.hostname = '[::1]';
    if (!issuer) issuer = url.origin;
    cookiePolicy = sessionCookiePolicy(new URL(issuer));
    await context.events.start();
    return {
      app,
      context,
      url: url.origin,
      async close() {
        await context.events.stop();
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.close();
    throw error;
  }
}
