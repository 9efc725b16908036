import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { listRoute } from './list-route.js';
import { rowRoutes } from './row-routes.js';
import { schemaRoute } from './schema-route.js';

/** The data API (DESIGN.md §2, `/api/tables/...`): every route enforces table and column permissions in SQL. */
export async function dataRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  await listRoute(app, context);
  await rowRoutes(app, context);
  await schemaRoute(app, context);
}
