import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeReport, formatChangeReport } from '../../../src/get/changeReport.js';
import { parseManifest } from '../../../src/get/manifest.js';
import { openSource } from '../../../src/get/siteSource.js';
import { tempDir } from '../../helpers/cli.js';

const summary = {
  format: 'evergreen-changes/1',
  from: '1.0.0',
  to: '2.0.0',
  bump: 'major',
  summary: { chaptersAdded: 0, chaptersRemoved: 1, sectionsChanged: 1, samplesChanged: 1, wordsAdded: 9, wordsRemoved: 42, rereadMinutes: 1 },
  chapters: [
    {
      status: 'changed',
      id: 'basics',
      title: 'First Steps',
      oldTitle: 'Basics',
      page: 'basics.html',
      renamed: true,
      moved: false,
      sections: [{ status: 'changed', id: 'variables', title: 'Variables', renamed: false, moved: false, wordsAdded: 9, wordsRemoved: 7, samplesChanged: 1 }],
    },
    { status: 'removed', id: 'legacy', title: 'Legacy', page: 'legacy.html', renamed: false, moved: false, sections: [] },
  ],
};

const summaryText = `${JSON.stringify(summary, null, 2)}\n`;

function site(withSummary: boolean) {
  const dir = tempDir();
  const version = (v: string, extra = {}) => ({ version: v, date: `2026-0${v[0]}-01`, notes: `Notes ${v}.`, artifacts: [], changesSince: {}, ...extra });
  const manifest = {
    format: 'evergreen-manifest/1',
    book: { title: 'B', slug: 'b' },
    latest: '2.0.0',
    versions: [
      version('2.0.0', {
        changesSince: { '1.0.0': { summary: 'changes/1.0.0..2.0.0.json', sha256: createHash('sha256').update(summaryText).digest('hex'), page: 'changes-since-1.0.0.html' } },
      }),
      version('1.1.0', { yanked: { reason: 'broken download', date: '2026-01-02' } }),
      version('1.0.0'),
    ],
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  if (withSummary) {
    mkdirSync(path.join(dir, 'changes'));
    writeFileSync(path.join(dir, 'changes', '1.0.0..2.0.0.json'), summaryText);
  }
  const parsed = parseManifest(JSON.stringify(manifest), 'manifest.json');
  return { source: openSource(dir, { timeoutMs: 1000 }), manifest: parsed, dir };
}

describe('change report', () => {
  it('prints the changed chapters and sections, the totals, every release note in between and the link', async () => {
    const { source, manifest, dir } = site(true);
    const report = await changeReport(source, manifest, '1.0.0', manifest.versions[0]);
    const text = formatChangeReport(report);
    expect(text).toContain('What changed from 1.0.0 to 2.0.0');
    expect(text).toContain('~ First Steps  (renamed from “Basics”)');
    expect(text).toContain('~ Variables  (+9/-7 words, code changed (1))');
    expect(text).toContain('- Legacy  (removed)');
    expect(text).toContain('1 chapter removed, 1 section changed, 1 code sample changed; 9 words added, 42 removed; about 1 min of re-reading');
    // Notes of the versions after 1.0.0, oldest first, the withdrawn one marked.
    expect(text).toMatch(/1\.1\.0 \(.*\) withdrawn: broken download\n {4}Notes 1\.1\.0\.\n {2}2\.0\.0 \(.*\)\n {4}Notes 2\.0\.0\./);
    expect(text).not.toContain('Notes 1.0.0.');
    expect(text).toContain(`In full: ${path.join(dir, 'changes-since-1.0.0.html')}`);
  });

  it('still gives the notes and the link when the summary is missing', async () => {
    const { source, manifest } = site(false);
    const text = formatChangeReport(await changeReport(source, manifest, '1.0.0', manifest.versions[0]));
    expect(text).toContain('(no change summary: changes/1.0.0..2.0.0.json is missing from the site)');
    expect(text).toContain('Notes 2.0.0.');
    expect(text).toContain('In full:');
  });

  it('does not show a summary that does not match its sha256 in the manifest', async () => {
    const { source, manifest, dir } = site(true);
    writeFileSync(path.join(dir, 'changes', '1.0.0..2.0.0.json'), summaryText.replace('First Steps', 'Nothing to see'));
    const text = formatChangeReport(await changeReport(source, manifest, '1.0.0', manifest.versions[0]));
    expect(text).toContain('does not match its sha256 in the manifest; not shown');
    expect(text).not.toContain('Nothing to see');
  });
});
