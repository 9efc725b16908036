import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { CSRF_HEADER } from './csrf.js';

/**
 * CORS for the configured origins only, with credentials. Origins are compared exactly, so `null`,
 * `https://site.example.evil` and `https://evil-site.example` get no CORS headers at all.
 */
export async function installCors(app: FastifyInstance, isAllowedOrigin: (origin: string) => boolean): Promise<void> {
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && isAllowedOrigin(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'If-Match', 'If-None-Match', CSRF_HEADER],
    exposedHeaders: ['ETag', 'Retry-After', 'Location'],
    maxAge: 600,
    strictPreflight: true,
  });
}
