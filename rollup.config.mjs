// Self-contained, minified browser bundles (what a maker loads from a CDN with one <script type="module">).
// The libraries' own ESM + .d.ts come from `tsc -b` (packages/*/dist); rollup starts from that output,
// so TypeScript is compiled once.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';

const plugins = () => [nodeResolve({ browser: true }), terser({ ecma: 2022, module: true })];

/**
 * The pipeline for benchmark anchors that ship CommonJS and React (Amplify UI, Supabase Auth UI): the
 * same resolution and minifier as ours, plus CommonJS interop and a production NODE_ENV.
 */
export const anchorPlugins = () => [
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  nodeResolve({ browser: true, preferBuiltins: false }),
  commonjs(),
  terser({ ecma: 2022, module: true }),
];

/** One bundle: a package's built entry, everything it imports inlined. */
export function bundle(input, file) {
  return { input, output: { file, format: 'es', sourcemap: true }, plugins: plugins() };
}

/**
 * Keeps each identity library inside its adapter's chunk (loaded with `import()` only when that sign-in
 * is used) and names the chunk after the adapter.
 */
function adapterChunks(id) {
  if (/[\\/]node_modules[\\/]oidc-client-ts[\\/]|[\\/]auth[\\/]external[\\/]adapters[\\/]oidc\.js$/.test(id)) return 'adapter-oidc';
  if (/[\\/]node_modules[\\/]@azure[\\/]msal-(browser|common)[\\/](?!.*redirect_bridge)|[\\/]auth[\\/]external[\\/]adapters[\\/]entra\.js$/.test(id)) return 'adapter-entra';
  return undefined;
}

/** A CDN build: named entries, lazy chunks (external flow, adapters, locales) under `chunks/`. */
function cdn(input, dir) {
  return {
    input,
    output: {
      dir,
      format: 'es',
      sourcemap: true,
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      manualChunks: adapterChunks,
    },
    plugins: plugins(),
  };
}

/** The pages a provider sign-in returns to (popup callback, MSAL's redirect bridge), per CDN build. */
const callbackEntries = (prefix) => ({
  [`${prefix}-oidc-popup-callback`]: 'packages/sdk/dist/auth/external/adapters/oidc-popup-callback.js',
  [`${prefix}-entra-redirect-bridge`]: 'packages/sdk/dist/auth/external/adapters/entra-redirect-bridge.js',
});

/**
 * The SDK alone for CDNs: `portalkit-sdk.js` is the entry a page loads; the external sign-in flow and
 * each provider adapter WITH its identity library are separate chunks. The flow is also an input so its
 * chunk exists (and keeps a stable name) even while nothing in the entry imports it yet.
 */
export const sdkCdn = cdn(
  {
    'portalkit-sdk': 'packages/sdk/dist/index.js',
    'portalkit-sdk-external': 'packages/sdk/dist/auth/external/index.js',
    ...callbackEntries('portalkit-sdk'),
  },
  'packages/sdk/dist/cdn',
);

/**
 * The maker's file: `dist/portalkit.js` defines every element and re-exports the SDK, so a page needs
 * one `<script type="module">`. Adapters, the external flow and the French strings are lazy chunks.
 */
export const portalkitCdn = cdn({ portalkit: 'packages/components/dist/portalkit.js', ...callbackEntries('portalkit') }, 'dist');

export default [sdkCdn, portalkitCdn];
