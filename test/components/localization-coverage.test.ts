/**
 * Every string an element shows goes through `msg(…, { id })`, and every id has a French translation
 * (and no translation is orphaned): a string added without one would show in English on a French page.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { templates } from '../../packages/components/src/localization/locales/fr.js';

const SOURCE = fileURLToPath(new URL('../../packages/components/src', import.meta.url));

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'locales') yield* sourceFiles(path);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

/** `msg(` calls and the ids they give, per file. */
function messageIds(): { ids: Map<string, string>; withoutId: string[] } {
  const ids = new Map<string, string>();
  const withoutId: string[] = [];
  for (const file of sourceFiles(SOURCE)) {
    const text = readFileSync(file, 'utf8');
    // A msg( call runs to its options object; ids are quoted literals.
    for (const call of text.matchAll(/\bmsg\(([\s\S]*?){\s*id:\s*'([^']+)'[^}]*\}\s*,?\s*\)/g)) ids.set(call[2]!, file);
    const calls = text.match(/\bmsg\(/g)?.length ?? 0;
    const withIds = [...text.matchAll(/\bmsg\(([\s\S]*?){\s*id:\s*'([^']+)'[^}]*\}\s*,?\s*\)/g)].length;
    if (calls !== withIds) withoutId.push(`${file}: ${calls - withIds} msg() call(s) without an explicit id`);
  }
  return { ids, withoutId };
}

describe('component strings', () => {
  const { ids, withoutId } = messageIds();

  it('all go through msg() with an explicit id', () => {
    assert.ok(ids.size > 20, `found only ${ids.size} ids: is the scan broken?`);
    assert.deepEqual(withoutId, []);
  });

  it('each has a French translation, and no translation is orphaned', () => {
    const translated = new Set(Object.keys(templates));
    const missing = [...ids.keys()].filter((id) => !translated.has(id)).sort();
    const orphaned = [...translated].filter((id) => !ids.has(id)).sort();
    assert.deepEqual(missing, [], 'ids without a French string');
    assert.deepEqual(orphaned, [], 'French strings no element uses');
  });
});
