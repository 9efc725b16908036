// `npm run analyze`: the Custom Elements Manifest of @portalkit/components
// (packages/components/custom-elements.json), read by Storybook's autodocs and by editors and wrappers.
// Generated at build time from the components' JSDoc (@summary @slot @csspart @cssprop @fires) and
// their Lit properties; never edited by hand and not committed (see .gitignore).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Tags: each component class lives in `x.component.ts` and is registered by `define('pk-x', PkX)` in
 * the sibling `x.ts` (version-safe define, not `customElements.define` or `@customElement`, which is
 * all the analyzer recognises). This plugin reads those calls and marks the classes as custom elements
 * with their tag names, and adds the definition export the manifest schema expects.
 */
function portalkitDefinePlugin() {
  return {
    name: 'portalkit-define',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules ?? []) {
        const sibling = join(dirname(module.path), `${module.path.split('/').pop().replace(/\.component\.ts$/, '')}.ts`);
        let source;
        try {
          source = readFileSync(sibling, 'utf8');
        } catch {
          continue;
        }
        for (const [, tagName, className] of source.matchAll(/define\(\s*['"]([a-z][a-z0-9-]*-[a-z0-9-]*)['"]\s*,\s*(\w+)\s*\)/g)) {
          const declaration = module.declarations?.find((d) => d.kind === 'class' && d.name === className);
          if (!declaration) continue;
          declaration.tagName = tagName;
          declaration.customElement = true;
          module.exports = [
            ...(module.exports ?? []).filter((e) => !(e.kind === 'custom-element-definition' && e.name === tagName)),
            { kind: 'custom-element-definition', name: tagName, declaration: { name: className, module: sibling } },
          ];
        }
      }
    },
  };
}

export default {
  globs: ['packages/components/src/components/**/*.component.ts'],
  exclude: ['**/*.test.ts', '**/*.stories.ts'],
  outdir: 'packages/components',
  litelement: true,
  // The manifest's path is declared in packages/components/package.json ("customElements") by hand:
  // the analyzer would otherwise write it into the root package.json (the cwd).
  packagejson: false,
  dependencies: false,
  plugins: [portalkitDefinePlugin()],
};
