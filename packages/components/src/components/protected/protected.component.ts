import type { PortalState } from '@portalkit/sdk';
import { html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { PortalElement } from '../../internal/portal-element.js';
import { conditionHolds, parseCondition } from './condition.js';
import type { ProtectionCondition } from './condition.js';
import { protectedStyles } from './protected.styles.js';
import { TemplateStamp } from './template-stamp.js';

/** Where a `<pk-protected>` stands. */
export type ProtectionDecision = 'pending' | 'allowed' | 'denied';

/**
 * Shows its content only when the visitor meets a condition: any of `roles`, every `permission`
 * (`table:privilege`), and read access to `page`; with no attribute, being signed in. Otherwise it
 * shows the `fallback` slot. While the client is still deciding it renders nothing at all, and it
 * re-decides live when the permission set changes or the visitor signs out (in any tab).
 *
 * Put protected markup in a `<template>` child (and fallback markup in `<template slot="fallback">`):
 * the element then creates the content only after an allowing decision and removes it on a denying
 * one, so it is never in the DOM before the decision, not even before the element is upgraded. Plain
 * children work too but exist in the DOM (hidden) from the start. Hiding is a convenience: the server
 * enforces the same permissions on every request.
 *
 * @summary Content for visitors who meet a condition.
 * @slot - Shown when the condition holds (or a `<template>` stamped then).
 * @slot fallback - Shown when it does not (or a `<template slot="fallback">` stamped then).
 * @fires pk-decision - The decision changed (`detail: { allowed: boolean }`); not fired while pending.
 */
export class PkProtected extends PortalElement {
  static override styles = protectedStyles;

  /** Roles, comma-separated; any one of them is enough (e.g. `Partner Managers, Support Agents`). */
  @property() roles: string | null = null;

  /** `table:privilege` pairs, all required (e.g. `incident:create`). */
  @property() permission: string | null = null;

  /** A page path the visitor must be allowed to read under the site's page rules (e.g. `/partners`). */
  @property() page: string | null = null;

  /** The current decision, reflected for styling (`pk-protected[decision="denied"]`). Read-only. */
  @property({ reflect: true }) decision: ProtectionDecision = 'pending';

  #condition: ProtectionCondition = parseCondition({});
  readonly #content = new TemplateStamp(this, (template) => !template.hasAttribute('slot'));
  readonly #fallback = new TemplateStamp(this, (template) => template.getAttribute('slot') === 'fallback', 'fallback');
  #reportedProblems = '';

  protected override portalStateChanged(_state: PortalState): void {
    this.#decide();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roles') || changed.has('permission') || changed.has('page')) {
      this.#condition = parseCondition(this);
      this.#report();
      this.#decide();
    }
  }

  protected override render(): TemplateResult | typeof nothing {
    if (this.decision === 'pending') return nothing;
    return this.decision === 'allowed' ? html`<slot></slot>` : html`<slot name="fallback"></slot>`;
  }

  protected override updated(): void {
    // After render, so the slot that shows the stamped content exists when it arrives.
    this.#content.toggle(this.decision === 'allowed');
    this.#fallback.toggle(this.decision === 'denied');
  }

  #decide(): void {
    const client = this.portal.client;
    const next: ProtectionDecision =
      !client || client.state.status === 'loading' ? 'pending' : conditionHolds(client, this.#condition) ? 'allowed' : 'denied';
    if (next === this.decision) return;
    this.decision = next;
    if (next !== 'pending') this.emit('pk-decision', { allowed: next === 'allowed' }, { cancelable: false });
  }

  #report(): void {
    const problems = this.#condition.problems.join('; ');
    if (problems && problems !== this.#reportedProblems) console.error(`PortalKit: <pk-protected> stays closed: ${problems}.`);
    this.#reportedProblems = problems;
  }
}
