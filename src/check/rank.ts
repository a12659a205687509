/**
 * Root-cause ranking by the rules' `explains` (Rule.explains): a finding whose id another present finding's rule
 * explains gets `explainedBy` and moves after the unexplained ones; errors come before warnings before info.
 * The order inside each group is evaluate()'s (the walk-through's). When evaluate() ranks by `explains` itself
 * this pass changes nothing.
 */
import { type Finding, RULES } from '../rules/index.js';

const SEV = { error: 0, warning: 1, info: 2 } as const;

export function rankFindings(findings: readonly Finding[]): Finding[] {
  const present = new Set(findings.map((f) => f.id));
  const explainer = new Map<string, string>();
  for (const r of RULES) {
    if (!present.has(r.id)) continue;
    for (const x of r.explains ?? []) if (x !== r.id && !explainer.has(x)) explainer.set(x, r.id);
  }
  // an explainer that is itself explained passes its place on (a → b → c: c is explained by a's root)
  const root = (id: string, seen = new Set<string>()): string | undefined => {
    const e = explainer.get(id);
    if (!e || seen.has(e)) return e;
    seen.add(e);
    return root(e, seen) ?? e;
  };
  const out = findings.map((f) => {
    const by = f.explainedBy ?? root(f.id);
    return by && by !== f.id ? { ...f, explainedBy: by } : f;
  });
  return out
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) => Number(Boolean(a.f.explainedBy)) - Number(Boolean(b.f.explainedBy)) || SEV[a.f.severity] - SEV[b.f.severity] || a.i - b.i,
    )
    .map((x) => x.f);
}
