import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One field's problem, for `validation-failed`. `path` is a JSON pointer into the request body. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * An RFC 9457 problem. Routes throw it; the error handler renders `application/problem+json` with a
 * stable `code` clients switch on (the `title` is for people and may change).
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { readonly errors?: readonly FieldProblem[]; readonly retryAfterSeconds?: number } = {},
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Renders every error as problem+json; nothing internal (stack, SQL, paths) reaches a client. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem, request);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new Problem(404, 'not-found', 'Not found', `No route for ${request.method} ${request.url.split('?')[0]}.`), request),
  );
}

export function sendProblem(reply: FastifyReply, problem: Problem, request?: FastifyRequest): FastifyReply {
  if (problem.extra.retryAfterSeconds !== undefined) reply.header('Retry-After', String(problem.extra.retryAfterSeconds));
  return reply
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: `urn:portalkit:problem:${problem.code}`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      code: problem.code,
      ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
      ...(problem.extra.retryAfterSeconds !== undefined ? { retryAfter: problem.extra.retryAfterSeconds } : {}),
      ...(request ? { instance: request.id } : {}),
    });
}

function toProblem(error: FastifyError | Problem): Problem {
  if (error instanceof Problem) return error;
  if (error.validation) {
    return new Problem(400, 'validation-failed', 'The request is not valid', 'One or more fields are not valid.', {
      errors: error.validation.map((issue) => ({
        path: fieldPath(issue.instancePath, issue.params),
        message: issue.message ?? 'is not valid',
      })),
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'payload-too-large', 'Request body too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new Problem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
  if (error instanceof SyntaxError || /prototype/i.test(error.message) && error.statusCode === 400) {
    return new Problem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new Problem(status, 'bad-request', 'Bad request', error.message);
  return new Problem(500, 'internal-error', 'Internal server error', 'The server could not complete the request.');
}

/** Ajv reports a missing property on its parent; point at the property itself. */
function fieldPath(instancePath: string, params: Record<string, unknown>): string {
  const missing = typeof params['missingProperty'] === 'string' ? `/${params['missingProperty']}` : '';
  const extra = typeof params['additionalProperty'] === 'string' ? `/${params['additionalProperty']}` : '';
  return instancePath + missing + extra || '/';
}
