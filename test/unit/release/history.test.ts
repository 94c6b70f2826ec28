import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvergreenError } from '../../../src/diagnostics/diagnostic.js';
import { build, openProject, type Project, refreshSite, release } from '../../../src/index.js';
import { openHistory, yankRelease } from '../../../src/release/history/index.js';
import { writeBook } from '../../helpers/cli.js';

/** Each command opens the project afresh, as the CLI does. */
async function withProject<T>(root: string, run: (project: Project) => Promise<T>): Promise<T> {
  const project = await openProject({ root });
  try {
    return await run(project);
  } finally {
    await project.close();
  }
}

function book(extraConfig = ''): string {
  return writeBook({
    'manuscript/book.yaml': `title: Small\nslug: small\nformats: [html]\n${extraConfig}chapters:\n  - a.md\n`,
    'manuscript/a.md': '---\nid: a\n---\n# A\n\nFirst text of the book.\n\n## Part {#part}\n\nMore text here.\n',
  });
}

async function releaseAt(root: string, version: string, date: string) {
  return withProject(root, (project) => release(project, { version, date, checkSamples: false, formats: ['html'], notes: `Notes for ${version}.` }));
}

const envKey = 'EVERGREEN_TEST_SIGNING_KEY';
afterEach(() => {
  delete process.env[envKey];
});

describe('release history', () => {
  it('stores blocks once across releases and verifies on open', async () => {
    const root = book();
    await releaseAt(root, '1.0.0', '2026-01-01');
    const a = path.join(root, 'manuscript', 'a.md');
    writeFileSync(a, `${readFileSync(a, 'utf8')}\n## Extra {#extra}\n\nAn added section.\n`);
    const r = await releaseAt(root, 'minor', '2026-02-01');
    expect(r.version).toBe('1.1.0');
    expect(r.suggested).toBe('minor');
    const blocks2 = JSON.parse(readFileSync(path.join(root, 'releases', '1.1.0', 'blocks.json'), 'utf8'));
    expect(Object.keys(blocks2)).toHaveLength(1); // only the new paragraph
    const history = await openHistory(root);
    expect(history.releases.map((x) => x.version)).toEqual(['1.0.0', '1.1.0']);
    expect(history.releases[1].previous?.version).toBe('1.0.0');
    // Nothing but the two release folders, the index and the zip artifacts.
    expect(readdirSync(path.join(root, 'releases')).sort()).toEqual(['1.0.0', '1.1.0', 'history.json']);
  });

  it('reports the damaged file when a stored block is edited', async () => {
    const root = book();
    await releaseAt(root, '1.0.0', '2026-01-01');
    const file = path.join(root, 'releases', '1.0.0', 'snapshot.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"title":"A"', '"title":"B"'));
    const error = await openHistory(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvergreenError);
    const diagnostics = (error as EvergreenError).diagnostics;
    expect(diagnostics[0].file).toBe(file);
    expect(diagnostics[0].message).toContain('sha256 mismatch');
  });

  it('prints the version in the book, with "+ unreleased changes" after edits', async () => {
    const root = book();
    await releaseAt(root, '1.0.0', '2026-01-01');
    const out = path.join(root, 'out');
    await withProject(root, (project) => build(project, { outDir: out, formats: ['html'] }));
    expect(readFileSync(path.join(out, 'html', 'index.html'), 'utf8')).toMatch(/book-version">1\.0\.0</);
    writeFileSync(path.join(root, 'manuscript', 'a.md'), `${readFileSync(path.join(root, 'manuscript', 'a.md'), 'utf8')}\nEdited.\n`);
    await withProject(root, (project) => build(project, { outDir: out, formats: ['html'] }));
    expect(readFileSync(path.join(out, 'html', 'index.html'), 'utf8')).toContain('1.0.0 + unreleased changes');
  });

  it('keeps a yanked version listed, marked with its reason', async () => {
    const root = book();
    await releaseAt(root, '1.0.0', '2026-01-01');
    writeFileSync(path.join(root, 'manuscript', 'a.md'), `${readFileSync(path.join(root, 'manuscript', 'a.md'), 'utf8')}\nFixed.\n`);
    await releaseAt(root, '1.0.1', '2026-01-02');
    await yankRelease(await openHistory(root), '1.0.1', 'Broken download', '2026-01-03');
    await expect(yankRelease(await openHistory(root), '1.0.1', 'again', '2026-01-04')).rejects.toThrow(/already yanked/);
    await withProject(root, (project) => refreshSite({ book: project.book, formats: project.formats, outDir: path.join(root, 'dist') }));
    const manifest = JSON.parse(readFileSync(path.join(root, 'dist', 'site', 'manifest.json'), 'utf8'));
    expect(manifest.latest).toBe('1.0.0');
    expect(manifest.versions[0]).toMatchObject({ version: '1.0.1', yanked: { reason: 'Broken download' } });
    await expect(releaseAt(root, '1.0.1', '2026-01-05')).rejects.toThrow(/already published/);
    // A yank record is protected like the rest of the history.
    const yankFile = path.join(root, 'releases', 'yanked', '1.0.1.json');
    writeFileSync(yankFile, readFileSync(yankFile, 'utf8').replace('Broken download', 'Nothing wrong'));
    const error = (await openHistory(root).catch((e: unknown) => e)) as EvergreenError;
    expect(error.diagnostics.map((d) => [d.file, d.message.includes('sha256 mismatch')])).toEqual([[yankFile, true]]);
  });
});

describe('signing', () => {
  it('signs manifest.json with Ed25519 and publishes the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    process.env[envKey] = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const root = book(`release:\n  signingKeyEnv: ${envKey}\n`);
    await releaseAt(root, '1.0.0', '2026-01-01');
    const site = path.join(root, 'dist', 'site');
    const manifest = readFileSync(path.join(site, 'manifest.json'));
    const signature = Buffer.from(readFileSync(path.join(site, 'manifest.json.sig'), 'utf8').trim(), 'base64');
    const published = createPublicKey(readFileSync(path.join(site, 'public-key.pem'), 'utf8'));
    expect(verify(null, manifest, published, signature)).toBe(true);
    expect(verify(null, manifest, publicKey, signature)).toBe(true);
    expect(readFileSync(path.join(root, 'releases', 'public-key.pem'), 'utf8')).toBe(readFileSync(path.join(site, 'public-key.pem'), 'utf8'));
    // The private key is never written anywhere in the book.
    const pem = process.env[envKey]!;
    const all = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of all(root)) expect(readFileSync(file).includes(pem.split('\n')[1]), file).toBe(false);
  });

  it('builds an unsigned site with a warning when the key is missing', async () => {
    const root = book(`release:\n  signingKeyEnv: ${envKey}\n`);
    const r = await releaseAt(root, '1.0.0', '2026-01-01');
    expect(r.diagnostics.some((d) => d.ruleId === 'release/no-signing-key')).toBe(true);
    expect(existsSync(path.join(root, 'dist', 'site', 'manifest.json.sig'))).toBe(false);
  });
});
