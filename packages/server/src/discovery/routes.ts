import type { FastifyInstance } from 'fastify';
import type { PortalModel, ProviderConfig } from '@portalkit/core';
import type { ServerContext } from '../app/context.js';

/** Public, per-provider facts a browser needs to start a sign-in; never secrets. */
function publicProvider(provider: ProviderConfig): Record<string, unknown> {
  return {
    id: provider.id,
    type: provider.type,
    displayName: provider.displayName,
    clientId: provider.clientId,
    ...(provider.type === 'oidc' ? { issuer: provider.issuer } : { authority: provider.authority }),
    scopes: provider.scopes ?? ['openid', 'profile', 'email'],
  };
}

/** The discovery document (DESIGN.md §2): everything a client needs to talk to this server. */
export function discoveryDocument(model: PortalModel, issuer: string): Record<string, unknown> {
  const auth = model.authentication;
  const contact = model.tables['contact'];
  return {
    issuer,
    site: { name: model.site.name, audience: model.site.audience },
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    permissions_endpoint: `${issuer}/permissions`,
    events_endpoint: `${issuer}/events`,
    authentication: {
      local: auth.local.enabled
        ? {
            enabled: true,
            signInWith: auth.local.signInWith,
            registration: auth.local.registration,
            passwordReset: auth.passwordReset.enabled,
            passwordPolicy: auth.password,
          }
        : { enabled: false },
      providers: auth.providers.map(publicProvider),
    },
    profile: {
      columns: Object.values(contact?.columns ?? {})
        .filter((column) => column.name !== 'accountid')
        .map((column) => ({
          name: column.name,
          type: column.type,
          required: column.required,
          ...(column.maxLength !== undefined ? { maxLength: column.maxLength } : {}),
          ...(column.options ? { options: column.options } : {}),
          ...(column.displayName ? { displayName: column.displayName } : {}),
        })),
    },
  };
}

export async function discoveryRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get('/.well-known/portalkit', async (_request, reply) => {
    reply.header('Cache-Control', 'public, max-age=300');
    return discoveryDocument(context.config.model, context.issuer);
  });
}
