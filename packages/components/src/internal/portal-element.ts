import { updateWhenLocaleChanges } from '@lit/localize';
import type { PortalClient, PortalState } from '@portalkit/sdk';
import { LitElement } from 'lit';
import { ensureLocalization } from '../localization/localization.js';
import { ClientController } from './client-controller.js';

/** Options of {@link PortalElement.emit}. */
export interface EmitOptions {
  /** Default `true`: the caller checks `defaultPrevented` only where the event documents it. */
  readonly cancelable?: boolean;
}

/**
 * The base of every PortalKit element: finds the client (`client` property, else `<pk-portal>`, else the
 * page's default client), re-renders on every state change and locale change, and emits events that
 * bubble out of shadow roots.
 */
export class PortalElement extends LitElement {
  /** Follows the client and its state; subclasses read `this.portal.state` and `this.portal.client`. */
  protected readonly portal: ClientController;

  constructor() {
    super();
    ensureLocalization();
    updateWhenLocaleChanges(this);
    this.portal = new ClientController(this, (state) => this.portalStateChanged(state));
  }

  /**
   * The client to use instead of the nearest `<pk-portal>`'s or the page's default one (tests,
   * Storybook, frameworks that create the client themselves).
   */
  get client(): PortalClient | undefined {
    return this.portal.client;
  }

  set client(client: PortalClient | undefined) {
    this.portal.explicit = client;
  }

  /** Called on every state change of the client in use (and when the client changes). */
  protected portalStateChanged(_state: PortalState): void {}

  /** Dispatches a `CustomEvent` that bubbles and crosses shadow roots; returns it (check `defaultPrevented`). */
  protected emit<T>(name: string, detail?: T, options: EmitOptions = {}): CustomEvent<T> {
    const event = new CustomEvent<T>(name, {
      bubbles: true,
      composed: true,
      cancelable: options.cancelable ?? true,
      ...(detail === undefined ? {} : { detail }),
    });
    this.dispatchEvent(event);
    return event;
  }
}
