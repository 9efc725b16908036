/**
 * `@portalkit/sdk/testing`: a test double of the PortalKit client for component tests and Storybook.
 * Not for production: it trusts whoever builds it about who is signed in.
 * @packageDocumentation
 */
export { createTestPortalClient } from './test-portal-client.js';
export type { TestContact, TestOperation, TestPortalClient, TestPortalClientOptions, TestPortalControls } from './test-portal-client.js';
