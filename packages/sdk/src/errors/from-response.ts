import {
  ConflictError,
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  PortalError,
  PreconditionFailedError,
  PreconditionRequiredError,
  RateLimitedError,
  ValidationError,
} from './portal-error.js';
import type { FieldError, Problem, PortalErrorInit } from './portal-error.js';

/** Problem bodies larger than this are not parsed: an error body is a few hundred bytes. */
const MAX_PROBLEM_CHARS = 64 * 1024;

/**
 * Turns a failed response into the matching {@link PortalError} subclass. The body is read as
 * problem+json when it is one; anything else still yields a typed error by status.
 */
export async function errorFromResponse(response: Response): Promise<PortalError> {
  const problem = await readProblem(response);
  const code = typeof problem.code === 'string' ? problem.code : `http-${response.status}`;
  const init: PortalErrorInit = {
    status: response.status,
    code,
    problem,
    ...retryAfter(response, problem),
  };
  const message = problem.detail ?? problem.title ?? `Request failed with status ${response.status}`;
  return errorFor(message, init);
}

/** Picks the subclass: the stable `code` first, the status otherwise. */
export function errorFor(message: string, init: PortalErrorInit): PortalError {
  if (init.code === 'invalid-credentials') return new InvalidCredentialsError(message, init);
  if (init.code === 'validation-failed' || init.status === 400 || init.status === 413 || init.status === 415) {
    return new ValidationError(message, init);
  }
  switch (init.status) {
    case 429:
      return new RateLimitedError(message, init);
    case 401:
    case 403:
      return new ForbiddenError(message, init);
    case 404:
      return new NotFoundError(message, init);
    case 409:
      return new ConflictError(message, init);
    case 412:
      return new PreconditionFailedError(message, init);
    case 428:
      return new PreconditionRequiredError(message, init);
    default:
      return new PortalError(message, init);
  }
}

async function readProblem(response: Response): Promise<Problem> {
  const type = response.headers.get('content-type') ?? '';
  if (!/json/i.test(type)) return { status: response.status };
  try {
    const text = await response.text();
    if (text.length > MAX_PROBLEM_CHARS) return { status: response.status };
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { status: response.status };
    return sanitizeProblem(parsed as Record<string, unknown>);
  } catch {
    return { status: response.status };
  }
}

/** Keeps the known members only when they have the right types, so callers can trust them. */
function sanitizeProblem(raw: Record<string, unknown>): Problem {
  const out: Record<string, unknown> = {};
  for (const key of ['type', 'title', 'detail', 'code', 'instance'] as const) {
    if (typeof raw[key] === 'string') out[key] = raw[key];
  }
  if (typeof raw['status'] === 'number') out['status'] = raw['status'];
  if (typeof raw['retryAfter'] === 'number') out['retryAfter'] = raw['retryAfter'];
  if (Array.isArray(raw['errors'])) {
    const errors: FieldError[] = [];
    for (const item of raw['errors'] as unknown[]) {
      if (item && typeof item === 'object') {
        const { path, message } = item as Record<string, unknown>;
        if (typeof path === 'string' && typeof message === 'string') errors.push({ path, message });
      }
    }
    out['errors'] = errors;
  }
  return out as Problem;
}

function retryAfter(response: Response, problem: Problem): { retryAfterSeconds?: number } {
  const header = response.headers.get('retry-after');
  const fromHeader = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
  const seconds = fromHeader ?? problem.retryAfter;
  return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? { retryAfterSeconds: seconds } : {};
}
