import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrowserStartError, findBrowser, launchBrowser } from '../../../src/util/browser.js';

describe('starting Chromium', () => {
  const previous = process.env.TMPDIR;
  afterEach(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  });

  it.skipIf(!findBrowser())('refuses a temp folder too long for its socket, saying so, before starting it', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'long-'));
    const long = path.join(base, 'a'.repeat(80));
    mkdirSync(long);
    process.env.TMPDIR = long;
    const error = await launchBrowser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserStartError);
    expect((error as BrowserStartError).message).toMatch(/too long for Chromium/);
    expect((error as BrowserStartError).hint).toMatch(/TMPDIR/);
    rmSync(base, { recursive: true, force: true });
  });
});
