/**
 * `@portalkit/sdk`: the PortalKit browser client.
 *
 * This release exposes the evaluator a page uses to decide from a permission set; sign-in, fetching
 * and verifying sets, caching and the data client arrive with the SDK release (see the README's
 * roadmap).
 * @packageDocumentation
 */
export { Rights, rightsFromClaims, normalizePagePath } from '@portalkit/core';
export type { PermissionSetClaims, Privilege, Row, RowResolver, VisitorIdentity } from '@portalkit/core';
