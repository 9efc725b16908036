// Self-contained, minified browser bundles (what a maker loads from a CDN with one <script type="module">).
// The libraries' own ESM + .d.ts come from `tsc -b` (packages/*/dist); rollup starts from that output,
// so TypeScript is compiled once.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const plugins = () => [nodeResolve({ browser: true }), terser({ ecma: 2022, module: true })];

/** One bundle: a package's built entry, everything it imports inlined. */
export function bundle(input, file) {
  return { input, output: { file, format: 'es', sourcemap: true }, plugins: plugins() };
}

/**
 * The SDK for CDNs: `portalkit-sdk.js` is the entry a page loads; the external sign-in flow and each
 * provider adapter WITH its identity library (oidc-client-ts, @azure/msal-browser) are separate chunks
 * that the SDK loads with `import()` only when that sign-in is used. The flow is also an input so its
 * chunk exists (and keeps a stable name) even while nothing in the entry imports it yet.
 */
export const sdkCdn = {
  input: {
    'portalkit-sdk': 'packages/sdk/dist/index.js',
    'portalkit-sdk-external': 'packages/sdk/dist/auth/external/index.js',
    'portalkit-sdk-oidc-popup-callback': 'packages/sdk/dist/auth/external/adapters/oidc-popup-callback.js',
    'portalkit-sdk-entra-redirect-bridge': 'packages/sdk/dist/auth/external/adapters/entra-redirect-bridge.js',
  },
  output: {
    dir: 'packages/sdk/dist/cdn',
    format: 'es',
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    // Name each library's chunk after its adapter, and keep each library inside its adapter's chunk.
    manualChunks(id) {
      if (/[\\/]node_modules[\\/]oidc-client-ts[\\/]|[\\/]auth[\\/]external[\\/]adapters[\\/]oidc\.js$/.test(id)) return 'adapter-oidc';
      if (/[\\/]node_modules[\\/]@azure[\\/]msal-(browser|common)[\\/](?!.*redirect_bridge)|[\\/]auth[\\/]external[\\/]adapters[\\/]entra\.js$/.test(id)) return 'adapter-entra';
      return undefined;
    },
  },
  plugins: plugins(),
};

export default [sdkCdn];
