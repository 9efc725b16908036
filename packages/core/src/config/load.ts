import { compileModel } from '../model/compile.js';
import type { PortalConfig } from '../model/config.js';
import type { PortalModel } from '../model/portal-model.js';
import { validateConfig } from './validate.js';
import type { ConfigIssue } from './validate.js';

/** The outcome of {@link loadConfig}: a model, or every error. Warnings either way. */
export type ConfigLoad =
  | { readonly ok: true; readonly model: PortalModel; readonly warnings: readonly ConfigIssue[] }
  | { readonly ok: false; readonly errors: readonly ConfigIssue[]; readonly warnings: readonly ConfigIssue[] };

/** Validates a parsed `portal.config.json` and, when it is valid, compiles it. Never throws on bad input. */
export function loadConfig(input: unknown): ConfigLoad {
  const validation = validateConfig(input);
  if (!validation.valid) return { ok: false, errors: validation.errors, warnings: validation.warnings };
  return { ok: true, model: compileModel(input as PortalConfig), warnings: validation.warnings };
}

/** Thrown by {@link loadConfigOrThrow}; carries every issue. */
export class ConfigError extends Error {
  constructor(readonly errors: readonly ConfigIssue[]) {
    super(
      `The configuration has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n` +
        errors.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** {@link loadConfig} for callers that cannot go on without a model (server start-up). */
export function loadConfigOrThrow(input: unknown): { model: PortalModel; warnings: readonly ConfigIssue[] } {
  const result = loadConfig(input);
  if (!result.ok) throw new ConfigError(result.errors);
  return { model: result.model, warnings: result.warnings };
}
