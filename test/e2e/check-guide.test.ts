import { describe, expect, it } from 'vitest';
import { evergreen, repoRoot } from './checkHelpers.js';

describe('the bundled user guide', () => {
  it('passes evergreen check (every sample compiles, runs and prints its output block)', () => {
    const run = evergreen(['check', '--root', repoRoot, '--no-cache']);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain(' error ');
    expect(run.stdout.trimEnd().split('\n').pop()).toMatch(/^\d+ passed, 0 failed/);
    expect(run.status).toBe(0);
  }, 120_000);
});
