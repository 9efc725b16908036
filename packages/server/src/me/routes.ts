import type { FastifyInstance } from 'fastify';
import { effectiveRoles } from '@portalkit/core';
import type { ServerContext } from '../app/context.js';
import { Problem } from '../http/problem.js';

/** `GET /me`: who the signed-in visitor is. Profile editing (`PATCH /me`) comes with the data API. */
export async function meRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get('/me', async (request) => {
    const visitor = await context.visitors.fromRequest(request);
    const contact = visitor.contactId ? await context.contacts.byId(visitor.contactId) : undefined;
    if (!contact) throw new Problem(401, 'not-signed-in', 'Not signed in', 'Sign in to see your profile.');
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
    };
  });
}
