import type { PortalModel } from '@portalkit/core';
import { Problem } from '../../http/problem.js';
import { passwordProblems } from '../passwords.js';

/** A 400 `validation-failed` listing why a new password breaks the site's policy, or undefined. Never hashes. */
export function newPasswordProblem(password: string, model: PortalModel, path: string): Problem | undefined {
  const problems = passwordProblems(password, model.authentication.password);
  if (problems.length === 0) return undefined;
  return new Problem(400, 'validation-failed', 'The request is not valid', 'The password does not meet the password policy.', {
    errors: problems.map((message) => ({ path, message })),
  });
}
