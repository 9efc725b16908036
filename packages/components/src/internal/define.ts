/**
 * Registers a custom element unless the tag is taken. A page may load two copies of the kit (a CDN
 * file and a bundled npm copy, or two versions): `customElements.define` throws on the second, which
 * would break the whole module graph of the second copy. The first definition wins; the second copy's
 * elements are that one's, which is what the page already shows.
 */
export function define(tag: string, constructor: CustomElementConstructor): void {
  const registry = globalThis.customElements;
  if (!registry) return;
  const existing = registry.get(tag);
  if (existing) {
    if (existing !== constructor) warnOnce(tag);
    return;
  }
  registry.define(tag, constructor);
}

const warned = new Set<string>();

function warnOnce(tag: string): void {
  if (warned.has(tag)) return;
  warned.add(tag);
  console.warn(`PortalKit: <${tag}> is already defined by another copy of the kit; this copy uses that one.`);
}
