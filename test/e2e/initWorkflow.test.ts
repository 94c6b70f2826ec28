import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, writeBook } from '../helpers/cli.js';

interface Step {
  if?: string;
  run?: string;
  uses?: string;
  id?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown> & { schedule?: { cron: string }[] };
  jobs: Record<string, { steps: Step[]; env?: Record<string, string>; needs?: string; if?: string; permissions?: Record<string, string>; environment?: { name: string } }>;
}

/**
 * The scaffold's CI workflow: it checks and builds on every push, deploys the reader site with GitHub's official
 * Pages actions, and re-signs the manifest on a schedule with the documented command, which is run here as the
 * job would run it, on a scaffolded book with a release.
 */
describe('the init workflow', () => {
  it('deploys the reader site with the Pages actions and refreshes the signed manifest on a schedule', async () => {
    const target = path.join(writeBook({}), 'book');
    expect((await runCli(['init', target, '--title', 'Workflow Book'])).code).toBe(0);
    const workflow = parse(readFileSync(path.join(target, '.github', 'workflows', 'book.yml'), 'utf8')) as Workflow;
    expect(workflow.on.schedule?.[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
    const build = workflow.jobs.build;
    const uses = build.steps.map((s) => s.uses).filter(Boolean);
    expect(uses).toContain('actions/upload-pages-artifact@v3');
    expect(build.steps.find((s) => s.uses === 'actions/upload-pages-artifact@v3')?.with?.path).toBe('dist/site');
    expect(workflow.jobs.deploy.steps.map((s) => s.uses)).toEqual(['actions/deploy-pages@v4']);
    expect(workflow.jobs.deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(workflow.jobs.deploy.environment?.name).toBe('github-pages');
    // The artifacts (not in git) are fetched and verified before anything regenerates the site.
    const fetchIndex = build.steps.findIndex((s) => s.run === 'npx evergreen artifacts fetch');
    expect(fetchIndex).toBeGreaterThan(-1);
    expect(build.steps[fetchIndex].if).toBe("hashFiles('releases/history.json') != ''");
    expect(build.steps.findIndex((s) => s.run === 'npx evergreen build')).toBeGreaterThan(fetchIndex);
    expect(build.steps.findIndex((s) => s.run === 'npx evergreen manifest refresh')).toBeGreaterThan(fetchIndex);
    const refresh = build.steps.find((s) => s.if?.includes("== 'schedule'") && s.run);
    expect(refresh?.run).toBe('npx evergreen manifest refresh');
    const keyEnv = Object.keys(build.env ?? {})[0];
    expect(keyEnv).toBe('EVERGREEN_SIGNING_KEY');

    // The book as the author sets it up: signing enabled as the scaffold's comment says, one release.
    const yaml = path.join(target, 'manuscript', 'book.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('# release:\n#   signingKeyEnv: EVERGREEN_SIGNING_KEY', 'release:\n  signingKeyEnv: EVERGREEN_SIGNING_KEY'));
    const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const env = { [keyEnv]: key };
    const released = await runCli(['release', '1.0.0', '--root', target, '--format', 'html', '--yes'], { env });
    expect(released.code, released.stderr).toBe(0);
    const fetched = await runCli(['artifacts', 'fetch', '--root', target]);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.stderr).toContain('every one verified by sha256 (0 fetched, 1 already there)');
    const before = JSON.parse(readFileSync(path.join(target, 'dist', 'site', 'manifest.json'), 'utf8'));
    // The scheduled step, as the job runs it (npx evergreen → this checkout's CLI).
    const args = refresh!.run!.replace(/^npx evergreen /, '').split(' ');
    const refreshed = await runCli([...args, '--root', target], { env });
    expect(refreshed.code, refreshed.stderr).toBe(0);
    const after = JSON.parse(readFileSync(path.join(target, 'dist', 'site', 'manifest.json'), 'utf8'));
    expect(after.signed >= before.signed).toBe(true);
    expect(after.versions).toEqual(before.versions);
    expect(existsSync(path.join(target, 'dist', 'site', 'manifest.json.sig'))).toBe(true);
  }, 300_000);
});
