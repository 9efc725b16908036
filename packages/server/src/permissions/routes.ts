import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app/context.js';
import { addVary, matchesEtag } from './http-caching.js';
import { PermissionSets } from './permission-set-service.js';
import { SigningKeys } from './signing-keys.js';

/**
 * `GET /.well-known/jwks.json` (the keys that verify permission sets) and `GET /permissions` (the
 * visitor's signed permission set). Creates the first signing key at start if none exists.
 */
export async function permissionRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const keys = new SigningKeys(context.db, context.clock, () => context.config.model.authentication.permissionSetMinutes);
  await keys.ensureActiveKey();
  const permissionSets = new PermissionSets(keys, context.clock);

  const noQuery = { querystring: { type: 'object', additionalProperties: false, properties: {} } };

  app.get('/.well-known/jwks.json', { schema: noQuery }, async (_request, reply) => {
    reply.header('Cache-Control', 'public, max-age=60');
    return { keys: await keys.publishedKeys() };
  });

  app.get('/permissions', { schema: noQuery }, async (request, reply) => {
    // Revalidation runs in the background: it is not visitor activity.
    const visitor = await context.visitors.fromRequest(request, { activity: false });
    const set = await permissionSets.issue(context.config.model, visitor, context.issuer);
    reply.header('ETag', set.etag);
    // Revalidate every time: the set changes the moment the visitor's rights do.
    reply.header('Cache-Control', 'private, no-cache');
    addVary(reply, 'Cookie');
    if (matchesEtag(request.headers['if-none-match'], set.etag)) return reply.code(304).send();
    return reply.type('application/jwt').send(set.token);
  });
}
