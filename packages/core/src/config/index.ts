/**
 * `@portalkit/core/config`: the validator of `portal.config.json`. Kept apart from the package root so
 * browser bundles never carry Ajv.
 * @packageDocumentation
 */
export { validateConfig } from './validate.js';
export type { ConfigIssue, ConfigValidation } from './validate.js';
export { ConfigError, loadConfig, loadConfigOrThrow } from './load.js';
export type { ConfigLoad } from './load.js';
/** The JSON Schema of `portal.config.json` (also published as `@portalkit/core/schema.json`). */
export { default as portalConfigSchema } from './portal.config.schema.json' with { type: 'json' };
