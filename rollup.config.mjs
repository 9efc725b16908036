// Self-contained, minified browser bundles (what a maker loads from a CDN with one <script type="module">).
// The libraries' own ESM + .d.ts come from `tsc -b` (packages/*/dist); rollup starts from that output,
// so TypeScript is compiled once.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

/** One bundle: a package's built entry, everything it imports inlined. */
export function bundle(input, file) {
  return {
    input,
    output: { file, format: 'es', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), terser({ ecma: 2022, module: true })],
  };
}

export default [bundle('packages/sdk/dist/index.js', 'packages/sdk/dist/cdn/portalkit-sdk.js')];
