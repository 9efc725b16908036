/**
 * Typed errors of the PortalKit SDK. Every failure the SDK reports is a {@link PortalError}; the
 * subclasses let a page branch with `instanceof` instead of comparing strings. They are built from
 * the server's `application/problem+json` bodies (RFC 9457), whose stable `code` decides the class.
 */

/** One field's problem in a {@link ValidationError}: `path` is a JSON pointer into the request body. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The parsed problem+json body (or what the SDK knows when there was none). */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: readonly FieldError[];
  readonly retryAfter?: number;
  readonly [key: string]: unknown;
}

/** Options of every {@link PortalError}. */
export interface PortalErrorInit {
  readonly status: number;
  readonly code: string;
  readonly problem?: Problem;
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/** Base class of every error the SDK throws or puts in its state. */
export class PortalError extends Error {
  /** HTTP status (0 when no response arrived). */
  readonly status: number;
  /** The server's stable problem `code`, or an SDK code such as `network-error`. */
  readonly code: string;
  /** The problem body as received (empty when there was none). */
  readonly problem: Problem;
  /** Seconds to wait before trying again, when the server said so. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, init: PortalErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.problem = init.problem ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/**
 * The login or password is not correct. The server gives the same answer for an unknown login, a
 * wrong password and a locked account, so this error never says which it was.
 */
export class InvalidCredentialsError extends PortalError {}

/** Too many attempts (or the server is busy): wait `retryAfterSeconds` before trying again. */
export class RateLimitedError extends PortalError {}

/** The request never got an answer (offline, DNS, CORS refusal, server down). */
export class NetworkError extends PortalError {}

/** The request was refused as invalid; `errors` names each field by JSON pointer. */
export class ValidationError extends PortalError {
  /** Every field problem the server reported. */
  readonly errors: readonly FieldError[];

  constructor(message: string, init: PortalErrorInit) {
    super(message, init);
    this.errors = init.problem?.errors ?? [];
  }
}

/** The thing does not exist, or the visitor may not know it does (the server answers both alike). */
export class NotFoundError extends PortalError {}

/** 412: the row changed since its ETag was read; read it again and retry. */
export class PreconditionFailedError extends PortalError {}

/** 428: a write was sent without the row's ETag. */
export class PreconditionRequiredError extends PortalError {}

/** 403 (or 401 `not-signed-in`): the visitor may not do this. */
export class ForbiddenError extends PortalError {}

/** 409: the change conflicts with stored data (a referenced row, an email already in use). */
export class ConflictError extends PortalError {}
