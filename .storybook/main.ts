// Storybook 10 for @portalkit/components: `npm run storybook` (dev, port 6006) and
// `npm run build-storybook` (static, storybook-static/). Works offline: telemetry off, no version
// check (`--no-version-updates` in the scripts), and nothing it needs is fetched at run time.
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

const config: StorybookConfig = {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(viteConfig) {
    const { mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, {
      resolve: {
        // The workspace packages from their TypeScript sources: stories need no `tsc -b` first, and
        // components, SDK and test double share one copy of each module (one PortalClient, one core).
        alias: [
          { find: /^@portalkit\/core$/, replacement: path('../packages/core/src/index.ts') },
          { find: /^@portalkit\/sdk$/, replacement: path('../packages/sdk/src/index.ts') },
          { find: /^@portalkit\/sdk\/testing$/, replacement: path('../packages/sdk/src/testing/index.ts') },
          { find: /^@portalkit\/sdk\/external$/, replacement: path('../packages/sdk/src/auth/external/index.ts') },
          { find: /^@portalkit\/components$/, replacement: path('../packages/components/src/index.ts') },
        ],
      },
      // Pre-bundled once, or Storybook's pre-bundling and the sources each load a copy of Lit
      // ("Multiple versions of Lit loaded" and broken directives).
      optimizeDeps: { include: ['lit', 'lit/directive-helpers.js'] },
      // The components use legacy (experimental) decorators with `useDefineForClassFields: false`
      // (tsconfig.base.json). Vite 8 compiles TypeScript with oxc: say so explicitly rather than rely on
      // which tsconfig it finds for a file; standard decorators or define-semantics fields would break
      // every `@property()` at run time while the build still succeeds.
      oxc: { decorator: { legacy: true }, typescript: { removeClassFieldsWithoutInitializer: true } },
      build: { chunkSizeWarningLimit: 2048 },
    });
  },
};

export default config;
