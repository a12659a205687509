/** Every finding id the rulebook can emit is in the README's findings table (ids are a contract: documented, never renamed). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const ROOT = path.join(import.meta.dirname, '../..');

it('the README findings table lists every finding id in src/rules', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Findings'), readme.indexOf('\n## ', readme.indexOf('## Findings') + 5));
  const documented = new Set([...table.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
  const dir = path.join(ROOT, 'src/rules');
  const emitted = new Set<string>();
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('.ts')) continue;
    const src = readFileSync(path.join(dir, f), 'utf8');
    // finding literals are indented deeper than the Rule's own `id:` (a rule's id may differ from its findings')
    for (const m of src.matchAll(/^ {4,}id: '([a-z0-9-]+)'/gm)) emitted.add(m[1] as string);
  }
  assert.ok(emitted.size > 30, `found ${emitted.size} finding ids`);
  assert.deepEqual([...emitted].filter((id) => !documented.has(id)).sort(), []);
});
