import type { FastifyInstance } from 'fastify';
import { externalAuthRoutes } from '../auth/external/routes.js';
import { localAuthRoutes } from '../auth/local/routes.js';
import { dataRoutes } from '../data/routes/index.js';
import { discoveryRoutes } from '../discovery/routes.js';
import { eventRoutes } from '../events/routes.js';
import { meRoutes } from '../me/routes.js';
import { permissionRoutes } from '../permissions/routes.js';
import { RateLimiter, rateLimitPolicy } from '../http/rate-limit.js';
import type { RateLimitPolicy } from '../http/rate-limit.js';
import type { ServerContext } from './context.js';

/** Tunables of route modules; production leaves them at their defaults. */
export interface RouteOptions {
  readonly rateLimits?: Partial<RateLimitPolicy>;
}

/** Every route module, each a function of the app and the context. */
export async function registerRoutes(app: FastifyInstance, context: ServerContext, options: RouteOptions = {}): Promise<void> {
  const rateLimiting = { limiter: new RateLimiter(context.db, context.clock), limits: rateLimitPolicy(options.rateLimits) };
  await discoveryRoutes(app, context);
  await localAuthRoutes(app, context, rateLimiting);
  await externalAuthRoutes(app, context, rateLimiting);
  await permissionRoutes(app, context);
  await eventRoutes(app, context);
  await meRoutes(app, context);
  await dataRoutes(app, context);
}
