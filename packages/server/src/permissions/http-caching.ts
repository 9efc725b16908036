import type { FastifyReply } from 'fastify';

/** True if an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for GET). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** Adds a field to `Vary` without dropping what CORS put there (`Origin`). */
export function addVary(reply: FastifyReply, field: string): void {
  const existing = reply.getHeader('vary');
  const fields = typeof existing === 'string' ? existing.split(',').map((value) => value.trim()).filter(Boolean) : [];
  if (!fields.some((value) => value.toLowerCase() === field.toLowerCase())) fields.push(field);
  reply.header('Vary', fields.join(', '));
}
