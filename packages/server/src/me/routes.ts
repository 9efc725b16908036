import type { FastifyInstance } from 'fastify';
import { effectiveRoles } from '@portalkit/core';
import type { ServerContext } from '../app/context.js';
import { Problem } from '../http/problem.js';
import { updateRow } from '../data/routes/row-routes.js';
import { apiRow, etagOf, readableRow, tableRequest } from '../data/routes/table-request.js';

/**
 * `GET /me`: who the signed-in visitor is; `PATCH /me`: changes their own contact row through the data
 * API's update (If-Match, column permissions, server-managed columns refused), whatever table
 * permissions say about other contacts.
 */
export async function meRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get('/me', async (request, reply) => {
    const visitor = await context.visitors.fromRequest(request);
    const contact = visitor.contactId ? await context.contacts.byId(visitor.contactId) : undefined;
    if (!contact) throw new Problem(401, 'not-signed-in', 'Not signed in', 'Sign in to see your profile.');
    // The profile as the data API shows the contact row: readable columns only, with the ETag PATCH needs.
    const t = await tableRequest(context, request, 'contact');
    const row = await readableRow(t, contact.id);
    if (row) reply.header('ETag', etagOf(row));
    const identities = await context.db
      .selectFrom('pk_identities')
      .select(['provider', 'created_at'])
      .where('contact_id', '=', contact.id)
      .orderBy('created_at')
      .execute();
    return {
      id: contact.id,
      email: contact.email,
      username: contact.username,
      firstname: contact.firstname,
      lastname: contact.lastname,
      accountId: contact.accountid,
      roles: effectiveRoles(context.config.model, visitor),
      identities: identities.map((identity) => ({ provider: identity.provider, linkedAt: new Date(Number(identity.created_at)).toISOString() })),
      profile: row ? apiRow(t, row) : null,
    };
  });

  app.patch<{ Body: unknown }>('/me', { bodyLimit: 64 * 1024, schema: { body: { type: 'object' } } }, async (request, reply) => {
    const t = await tableRequest(context, request, 'contact');
    if (!t.visitor.contactId) throw new Problem(401, 'not-signed-in', 'Not signed in', 'Sign in to change your profile.');
    return updateRow(t, t.visitor.contactId, request.body, request.headers['if-match'], request, reply);
  });
}
