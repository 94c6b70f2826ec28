import { formatLocation } from '../diagnostics/diagnostic.js';
import type { CompilerIdentity } from './languages/language.js';
import type { SampleResult } from './types.js';

/**
 * Folds the results of one check per TypeScript version into one result per sample. The primary
 * (first) version decides what the book shows; a sample fails when it fails on any version, and where
 * the verdicts differ the report says so: "passes on 5.9, fails on 6.0: TS2882 at chapter.md:40:8".
 */
export function mergeVersions(perVersion: { version?: string; compilers: CompilerIdentity[]; results: SampleResult[] }[]): SampleResult[] {
  const label = (v: (typeof perVersion)[number]) => v.compilers[0]?.version ?? v.version ?? '?';
  const [primary] = perVersion;
  return primary!.results.map((result, i) => {
    const all = perVersion.map((v) => ({ version: label(v), result: v.results[i]! }));
    const merged: SampleResult = { ...result, diagnostics: [...result.diagnostics], versions: all.map((a) => ({ version: a.version, status: a.result.status })) };
    const statuses = new Set(all.map((a) => a.result.status));
    if (statuses.size <= 1 && result.status !== 'failed') return merged;
    if (statuses.size > 1) {
      const passing = all.filter((a) => a.result.status === 'passed').map((a) => a.version);
      const failing = all.filter((a) => a.result.status === 'failed');
      const first = failing[0];
      const reason = first?.result.diagnostics.find((d) => d.severity === 'error');
      const where = reason ? `${reason.ruleId?.replace(/^samples\//, '') ?? 'error'} at ${formatLocation(reason)}` : 'see above';
      merged.diagnostics.push({
        severity: 'error',
        file: result.file,
        line: result.line,
        column: 1,
        message: `Verdicts differ between TypeScript versions: ${passing.length ? `passes on ${passing.join(', ')}, ` : ''}fails on ${failing.map((f) => f.version).join(', ')}: ${where}`,
        hint: 'Fix the sample for every version, or scope the expectation to versions: // @errors[>=6.0]: 2882',
        ruleId: 'samples/version-difference',
      });
      // The failing versions' own diagnostics, labelled, unless the primary already reports them.
      for (const f of failing) {
        if (f.result === result) continue;
        for (const d of f.result.diagnostics) merged.diagnostics.push({ ...d, message: `[TypeScript ${f.version}] ${d.message}` });
      }
      merged.status = 'failed';
    }
    return merged;
  });
}
