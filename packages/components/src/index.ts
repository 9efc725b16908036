/**
 * `@portalkit/components`: PortalKit's web components. The package builds and publishes an entry now
 * so the workspace, its build and its consumers are wired; the components arrive with their release.
 * @packageDocumentation
 */
export {};
