/**
 * Creates the content of a `<template>` child of `host` on demand and removes it again, so markup that
 * must not exist before a decision (images that would load, text a script could read) is only ever
 * inert template content until then. The copy goes into one `display: contents` wrapper right after the
 * template, assigned to `slot` when given.
 */
export class TemplateStamp {
  readonly #host: HTMLElement;
  readonly #matches: (template: HTMLTemplateElement) => boolean;
  readonly #slot: string | undefined;
  #stamped: HTMLElement | undefined;

  constructor(host: HTMLElement, matches: (template: HTMLTemplateElement) => boolean, slot?: string) {
    this.#host = host;
    this.#matches = matches;
    this.#slot = slot;
  }

  /** Stamps (`true`) or removes (`false`) the template's content. */
  toggle(present: boolean): void {
    if (!present) {
      this.#stamped?.remove();
      this.#stamped = undefined;
      return;
    }
    if (this.#stamped?.isConnected) return;
    const template = [...this.#host.children].find(
      (child): child is HTMLTemplateElement => child instanceof HTMLTemplateElement && this.#matches(child),
    );
    if (!template) return;
    const wrapper = document.createElement('div');
    wrapper.dataset['pkStamped'] = '';
    wrapper.style.display = 'contents';
    if (this.#slot) wrapper.slot = this.#slot;
    wrapper.append(document.importNode(template.content, true));
    template.after(wrapper);
    this.#stamped = wrapper;
  }
}
