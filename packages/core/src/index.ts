/**
 * `@portalkit/core`: the PortalKit permission model, shared by the server and the browser. Pure and
 * synchronous: no I/O, no globals, no dependencies.
 *
 * The configuration validator lives at `@portalkit/core/config` so browser bundles never carry it.
 * @packageDocumentation
 */
export * from './model/vocabulary.js';
export type * from './model/config.js';
export type * from './model/portal-model.js';
export type * from './model/table-schema.js';
export { BUILT_IN_TABLE_CONFIGS, SERVER_MANAGED_COLUMNS } from './model/built-ins.js';
export { authenticationSettings } from './model/defaults.js';
export { compileModel } from './model/compile.js';
export type * from './evaluator/rights-document.js';
export { Rights } from './evaluator/rights.js';
export type { RowRef, VisitorIdentity } from './evaluator/rights.js';
export { ALL_ROWS, NO_ROWS, anyOf, matchesRow } from './evaluator/row-predicate.js';
export type { Row, RowPredicate, RowResolver } from './evaluator/row-predicate.js';
export { decidePage, normalizePagePath, pathCovers } from './evaluator/pages.js';
export type { PageDecision } from './evaluator/pages.js';
export { effectiveRoles, resolveRights, resolveRightsDocument } from './evaluator/resolve-rights.js';
export type { Visitor } from './evaluator/resolve-rights.js';
export { buildPermissionSetClaims, rightsFromClaims, rightsVersion } from './evaluator/permission-set.js';
export type { PermissionSetClaims, PermissionSetOptions } from './evaluator/permission-set.js';
export { canonicalize, canonicalJson, fingerprint } from './util/canonical-json.js';
export type { Json } from './util/canonical-json.js';
