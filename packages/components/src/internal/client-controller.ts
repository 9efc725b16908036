import { ContextConsumer } from '@lit/context';
import type { PortalClient, PortalState } from '@portalkit/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { portalClientContext } from './client-context.js';
import { getDefaultClient } from './default-client.js';

const LOADING: PortalState = { status: 'loading' };

/**
 * Finds a component's client (an explicit one, else the nearest `<pk-portal>` through context, else the
 * page's default client), follows its state and asks the host to re-render on every change. While no
 * client is known the state is `loading`, so every decision stays closed.
 */
export class ClientController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #explicit: PortalClient | undefined;
  #provided: PortalClient | undefined;
  #client: PortalClient | undefined;
  #unsubscribe: (() => void) | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost & HTMLElement, onChange?: (state: PortalState) => void) {
    this.#host = host;
    this.#onChange = onChange;
    // Registered before this controller, so its context request has been answered by our hostConnected.
    new ContextConsumer(host, {
      context: portalClientContext,
      subscribe: true,
      callback: (client) => {
        this.#provided = client ?? undefined;
        this.#select();
      },
    });
    host.addController(this);
  }

  readonly #onChange: ((state: PortalState) => void) | undefined;

  /** The client in use, if any. */
  get client(): PortalClient | undefined {
    return this.#client;
  }

  /** The client's state (`loading` while there is none). */
  get state(): PortalState {
    return this.#client?.state ?? LOADING;
  }

  /** Sets a client explicitly (tests, Storybook, frameworks); `undefined` goes back to discovery. */
  set explicit(client: PortalClient | undefined) {
    this.#explicit = client;
    this.#select();
  }

  get explicit(): PortalClient | undefined {
    return this.#explicit;
  }

  hostConnected(): void {
    this.#connected = true;
    this.#select();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#client = undefined;
  }

  #select(): void {
    if (!this.#connected) return;
    const next = this.#explicit ?? this.#provided ?? getDefaultClient() ?? undefined;
    if (next === this.#client && this.#unsubscribe) return;
    this.#unsubscribe?.();
    this.#client = next;
    this.#unsubscribe = next?.subscribe((state) => {
      this.#onChange?.(state);
      this.#host.requestUpdate();
    });
    this.#onChange?.(this.state);
    this.#host.requestUpdate();
  }
}
