import type { PortalModel } from '@portalkit/core';
import type { ConfigIssue } from '@portalkit/core/config';
import { readConfigFile } from './read-config-file.js';

/**
 * The configuration in force. A reload swaps the model atomically, or keeps the old one and reports
 * why: a broken edit never takes a running portal down.
 */
export class ConfigHolder {
  #model: PortalModel;
  #accept: (model: PortalModel) => Promise<void> = async () => undefined;

  constructor(
    model: PortalModel,
    /** Where the model came from, if from a file (needed to reload). */
    readonly file?: string,
  ) {
    this.#model = model;
  }

  get model(): PortalModel {
    return this.#model;
  }

  /**
   * Work a new model must pass before it takes over (the server brings the data tables in line); a
   * throw refuses the reload with its message and the old model stays.
   */
  beforeSwap(accept: (model: PortalModel) => Promise<void>): void {
    this.#accept = accept;
  }

  async reload(): Promise<{ ok: true } | { ok: false; errors: readonly ConfigIssue[] }> {
    if (this.file === undefined) return { ok: false, errors: [{ path: '$', code: 'no-config-file', message: 'This server was not started from a configuration file.', severity: 'error' }] };
    const result = await readConfigFile(this.file);
    if (!result.ok) return { ok: false, errors: result.errors };
    try {
      await this.#accept(result.model);
    } catch (error) {
      return { ok: false, errors: [{ path: '$', code: 'schema-change-refused', message: (error as Error).message, severity: 'error' }] };
    }
    this.#model = result.model;
    return { ok: true };
  }
}
