// Browser tests: real headless Chromium (Debian's /usr/bin/chromium, or CHROME_PATH), TypeScript through
// esbuild. Flags keep Chromium off the network this machine does not have (see ../shared/TOOLCHAIN.md).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromium.mjs';
import { portalServerPlugin } from './test/wtr/portal-server-plugin.mjs';

export default {
  // 127.0.0.1, not localhost: the test pages must be same-site with the PortalKit server (SameSite=Lax cookie).
  hostname: '127.0.0.1',
  port: 8765,
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./test/tsconfig.json', import.meta.url)),
    }),
    // A real `portalkit serve` for the SDK tests (see the plugin's header for its module and commands).
    portalServerPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
      // One browser context (cookie jar, IndexedDB) per page: files run in parallel against the same PortalKit
      // server, and one file's session cookie must not sign another file's page in or out. (wtr reuses a page
      // for later files, so tests still sign out when they are done.)
      createPage: async ({ browser }) => {
        const context = await browser.createBrowserContext();
        const page = await context.newPage();
        page.once('close', () => void context.close().catch(() => undefined));
        return page;
      },
    }),
  ],
  concurrency: 2,
  testFramework: { config: { timeout: 10000 } },
};
