/**
 * The CDN entry (`dist/portalkit.js`): every PortalKit element, defined on load, and the SDK, so a page
 * needs one `<script type="module" src=".../portalkit.js">` and can still call `createPortalClient`.
 * Sign-in providers' libraries load as separate chunks only when a visitor uses them.
 * @packageDocumentation
 */
export * from './index.js';
export * from '@portalkit/sdk';
