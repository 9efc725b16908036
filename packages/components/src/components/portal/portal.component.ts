import { ContextProvider } from '@lit/context';
import { createPortalClient } from '@portalkit/sdk';
import type { PortalClient, PortalState } from '@portalkit/sdk';
import { css, html, LitElement } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { portalClientContext } from '../../internal/client-context.js';
import { setPortalLocale } from '../../localization/localization.js';

/**
 * Provides one PortalKit client to every PortalKit element inside it, created from `server` (or set
 * as the `client` property). Without a `<pk-portal>`, elements use the page's default client from
 * `<meta name="portalkit-server">`.
 *
 * @summary The client for the elements inside it.
 * @slot - The content whose PortalKit elements use this client.
 * @fires pk-state-change - The client's state changed (`detail`: the new `PortalState`).
 */
export class PkPortal extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /** The companion server's URL, e.g. `https://portal.example.com`. */
  @property({ reflect: true }) server = '';

  /** The language of the elements' strings (`en`, `fr`); default: the page's `<html lang>`. */
  @property({ reflect: true }) locale = '';

  /** A client to provide instead of creating one from `server` (tests, Storybook, frameworks). */
  @property({ attribute: false }) client: PortalClient | undefined;

  readonly #provider = new ContextProvider(this, { context: portalClientContext });
  /** The client this element created from `server` (and disposes). */
  #owned: PortalClient | undefined;
  /** The `server` value `#owned` was created for. */
  #ownedServer = '';
  #unsubscribe: (() => void) | undefined;

  /** The state of the provided client (`loading` while there is none). */
  get state(): PortalState {
    return this.#provider.value?.state ?? { status: 'loading' };
  }

  /** The client provided to the elements inside (`undefined` until `server` or `client` is set). */
  get provided(): PortalClient | undefined {
    return this.#provider.value;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#provide();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // The value stays: telling the descendants "no client" now would send them to the default client
    // for the moment before they are disconnected too. A reconnect provides a fresh client.
    this.#release();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('client')) this.#provide();
    if (changed.has('locale') && this.locale) void setPortalLocale(this.locale);
  }

  protected override render(): TemplateResult {
    return html`<slot></slot>`;
  }

  #provide(): void {
    if (!this.isConnected) return;
    const current = this.#provider.value;
    const wanted = this.client;
    const unchanged = wanted ? wanted === current : this.#owned !== undefined && this.#owned === current && this.#ownedServer === this.server;
    if (unchanged && this.#unsubscribe) return;
    let next = current;
    if (!unchanged) {
      this.#release();
      next = wanted ?? this.#create();
    }
    this.#unsubscribe?.();
    this.#unsubscribe = next?.subscribe((state) => {
      this.dispatchEvent(new CustomEvent('pk-state-change', { detail: state, bubbles: true, composed: true }));
    });
    this.#provider.setValue(next, true);
  }

  /** A client of its own for `server` (disposed with this element), or none when `server` is unusable. */
  #create(): PortalClient | undefined {
    if (!this.server) return undefined;
    try {
      this.#owned = createPortalClient({ server: this.server });
      this.#ownedServer = this.server;
      return this.#owned;
    } catch (error) {
      console.error(`PortalKit: <pk-portal server="${this.server}"> is not a usable server URL.`, error);
      return undefined;
    }
  }

  #release(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#owned?.dispose();
    this.#owned = undefined;
  }
}
