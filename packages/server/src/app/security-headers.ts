import type { FastifyInstance } from 'fastify';

/**
 * Headers every response carries. API answers are per visitor, so nothing may be cached by shared
 * caches; responses are never to be sniffed into HTML or framed.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
  });
}
