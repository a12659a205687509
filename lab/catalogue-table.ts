// Prints the catalogue as the markdown table in lab/README.md:   npx tsx lab/catalogue-table.ts
import { EMBEDDED, SCENARIOS } from './catalogue.js';
import type { BackendId } from './types.js';

const cols: BackendId[] = ['mit', 'samba', 'embedded'];
const esc = (s: string) => s.replace(/\|/g, '\\|');
const lines = [
  `| scenario | root cause | ${cols.map((c) => `${c}: error seen (client + wire)`).join(' | ')} |`,
  `| --- | --- | ${cols.map(() => '---').join(' | ')} |`,
];
for (const s of SCENARIOS) {
  const cell = (b: BackendId) => {
    const impl = s.backends[b];
    const heldTo = b === 'embedded' ? EMBEDDED[s.id]?.heldTo : undefined;
    if (impl && heldTo && impl.seen === s.backends[heldTo]?.seen) return `as ${heldTo} (its probe and wire filters)`;
    if (impl) return esc(impl.seen);
    const why = s.notOn?.[b];
    return why ? `— (${esc(why)})` : '—';
  };
  lines.push(`| \`${s.id}\` | \`${s.rootCause}\` | ${cols.map(cell).join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
