import { noChange } from 'lit';
import { Directive, directive, PartType } from 'lit/directive.js';
import type { ElementPart, PartInfo } from 'lit/directive.js';

/**
 * Sets CSS custom properties on an element through the CSSOM (`style.setProperty`), on every render
 * and never through the `style` attribute: a page served with a strict Content-Security-Policy
 * (`style-src 'self'`, as the companion server sends) refuses a `style` attribute, while the CSSOM is
 * allowed. Lit's `styleMap` writes the attribute on its first render, so it cannot be used here.
 *
 * `<table ${cssProperties({ '--_pk-columns': '3' })}>`. Properties dropped from the map are removed.
 */
class CssPropertiesDirective extends Directive {
  #previous = new Set<string>();

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) throw new Error('cssProperties() belongs on an element, not in an attribute or text.');
  }

  render(_properties: Readonly<Record<`--${string}`, string>>): unknown {
    return noChange;
  }

  override update(part: ElementPart, [properties]: [Readonly<Record<`--${string}`, string>>]): unknown {
    const style = (part.element as HTMLElement).style;
    for (const name of this.#previous) if (!Object.hasOwn(properties, name)) style.removeProperty(name);
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    this.#previous = new Set(Object.keys(properties));
    return noChange;
  }
}

export const cssProperties = directive(CssPropertiesDirective);
