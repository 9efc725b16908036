export {
  PortalError,
  InvalidCredentialsError,
  RateLimitedError,
  NetworkError,
  ValidationError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ForbiddenError,
  ConflictError,
} from './portal-error.js';
export type { FieldError, Problem, PortalErrorInit } from './portal-error.js';
export { errorFromResponse, errorFor } from './from-response.js';
