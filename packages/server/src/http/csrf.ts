import type { FastifyInstance } from 'fastify';
import { Problem } from './problem.js';

/** The custom header the SDK sends with every state-changing request. */
export const CSRF_HEADER = 'x-portalkit-request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery defence for cookie sessions: a state-changing request must carry the
 * custom header (which a cross-site form or a no-cors fetch cannot set, and which forces a CORS
 * preflight) and an `Origin` from the allow-list (exact match; `null` and look-alikes refused).
 */
export function installCsrfGuard(app: FastifyInstance, isAllowedOrigin: (origin: string) => boolean): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (request.headers[CSRF_HEADER] !== '1') {
      throw new Problem(403, 'csrf-rejected', 'Request refused', `State-changing requests need the ${CSRF_HEADER}: 1 header.`);
    }
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !isAllowedOrigin(origin)) {
      throw new Problem(403, 'csrf-rejected', 'Request refused', 'The request does not come from an allowed origin.');
    }
  });
}
