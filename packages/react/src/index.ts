/**
 * `@portalkit/react`: the PortalKit elements as React components (`<PkSignIn onPkSignedIn={…} />`),
 * generated with `@lit/react` from the custom elements manifest, so props and events follow the
 * elements' documented API. Importing this module defines the elements.
 * @packageDocumentation
 */
export * from './wrappers.js';
