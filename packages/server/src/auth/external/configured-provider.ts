import type { ProviderConfig } from '@portalkit/core';
import type { ServerContext } from '../../app/context.js';
import { Problem } from '../../http/problem.js';

/** The configured provider with this id (read per request, so a configuration reload applies), or 404. */
export function configuredProvider(context: ServerContext, id: string): ProviderConfig {
  const provider = context.config.model.authentication.providers.find((candidate) => candidate.id === id);
  if (!provider) throw unknownProvider(id);
  return provider;
}

export function unknownProvider(id: string): Problem {
  return new Problem(404, 'unknown-provider', 'Unknown provider', `This site has no identity provider "${id}".`);
}
