import type { Transport } from '../http/transport.js';
import type { ApiRow, MeDocument } from '../types.js';
import type { WriteCondition } from './table-client.js';

/** `GET /me`: the signed-in contact (a `ForbiddenError` with code `not-signed-in` when nobody is). */
export function fetchMe(transport: Transport): Promise<MeDocument> {
  return transport.json<MeDocument>('/me');
}

/** `PATCH /me`: changes the visitor's own contact row; pass `profile._etag` as `etag`. */
export function patchMe(transport: Transport, patch: Record<string, unknown>, condition?: WriteCondition): Promise<ApiRow> {
  return transport.json<ApiRow>('/me', {
    method: 'PATCH',
    body: patch,
    headers: condition?.etag !== undefined ? { 'If-Match': condition.etag } : {},
  });
}
