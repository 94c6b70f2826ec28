import type { ElementContent } from 'hast';
import { h } from 'hastscript';
import type { PublishedRelease } from '../history/index.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What was verified before a version was published, in one sentence (undefined for records from before it was kept). */
export function verificationSentence(release: PublishedRelease): string | undefined {
  const v = release.verification;
  if (!v) return undefined;
  if (v.samples === 'skipped') return `Samples were not checked for this version: ${v.reason ?? 'skipped'}.`;
  const parts = [`${plural(v.passed ?? 0, 'sample')} passed`];
  if (v.typeCheckedOnly) parts.push(`${v.typeCheckedOnly} of them type-checked but not run`);
  if (v.skipped) parts.push(`${v.skipped} not checked under samples: ${v.policy}`);
  const compilers = v.compilers?.length ? ` with ${v.compilers.map((c) => `${c.name} ${c.version}`).join(', ')}` : '';
  return `Verified before release: ${parts.join(', ')}${compilers} (samples: ${v.policy}).`;
}

/** Where the version came from: the git commit, and whether the tree was clean. */
export function sourceSentence(release: PublishedRelease): string | undefined {
  const s = release.source;
  if (!s) return undefined;
  if (!s.git) return 'Released from a folder outside git (no commit recorded).';
  if (!s.commit) return 'Released from a git repository without commits.';
  const commit = s.commit.slice(0, 12);
  if (s.allowDirty) return `Released from commit ${commit} with uncommitted changes (--allow-dirty).`;
  return `Released from commit ${commit}${s.tag ? `, tagged ${s.tag}` : ''} (clean tree).`;
}

/** The release page's provenance paragraph. */
export function provenance(release: PublishedRelease): ElementContent | null {
  const sentences = [verificationSentence(release), sourceSentence(release)].filter((s): s is string => s !== undefined);
  if (sentences.length === 0) return null;
  const skipped = release.verification?.samples === 'skipped';
  return h('p', { className: skipped ? ['provenance', 'unverified'] : ['provenance'] }, sentences.join(' '));
}
