import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { createOwnedTempDir } from './ownedTempDir.js';

/**
 * Evergreen never downloads a browser (installs must work offline and without install scripts). It finds
 * one at run time, in this order: an explicit path, PUPPETEER_EXECUTABLE_PATH, CHROME_PATH, the system's
 * Chrome/Chromium, then a Chrome that puppeteer may have cached earlier.
 */
export function findBrowser(explicit?: string): string | undefined {
  // EVERGREEN_BROWSER=none pretends no browser is installed (to test the "no browser" path on any machine);
  // any other value is a path tried first.
  const forced = process.env.EVERGREEN_BROWSER;
  if (forced === 'none') return undefined;
  const candidates = [
    forced,
    explicit,
    process.env.PUPPETEER_EXECUTABLE_PATH,
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    ...puppeteerCache(),
  ];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '' && existsSync(c));
}

function puppeteerCache(): string[] {
  const base = path.join(process.env.PUPPETEER_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'puppeteer'), 'chrome');
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .sort()
    .reverse()
    .flatMap((version) => [
      path.join(base, version, 'chrome-linux64', 'chrome'),
      path.join(base, version, 'chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'),
      path.join(base, version, 'chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'),
      path.join(base, version, 'chrome-win64', 'chrome.exe'),
    ]);
}

export const noBrowserHint =
  'Install Chromium or Google Chrome (Debian/Ubuntu: `sudo apt-get install chromium`), or set PUPPETEER_EXECUTABLE_PATH to a Chrome/Chromium executable.';

export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
  constructor() {
    super(`No Chrome or Chromium browser found. ${noBrowserHint}`);
  }
}

/** Chromium could be found but cannot start here, for a reason with its own remedy. */
export class BrowserStartError extends Error {
  override name = 'BrowserStartError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * Chromium puts its singleton socket at `$TMPDIR/org.chromium.Chromium.XXXXXX/SingletonSocket`, and a Unix
 * socket's path has at most 107 bytes (103 on macOS): past that, Chromium dies at start with a bare
 * "Target closed".
 */
function checkSocketPathFits(): void {
  const socket = path.join(os.tmpdir(), 'org.chromium.Chromium.XXXXXX', 'SingletonSocket');
  const limit = process.platform === 'darwin' ? 103 : 107;
  if (Buffer.byteLength(socket) <= limit) return;
  throw new BrowserStartError(
    `the temp folder's path (${os.tmpdir()}) is too long for Chromium: its socket there would need ${Buffer.byteLength(socket)} bytes of the ${limit} a Unix socket path may have`,
    `Set TMPDIR to a shorter folder (such as /tmp) for this command.`,
  );
}

/** Flags for a quiet, offline, headless Chromium (no sandbox: CI containers often run as root). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
  // Chromium 156 loads its omnibox pop-up pages (WebUI) even headless: a renderer that costs about 0.6 s of
  // CPU at every start and draws nothing Evergreen uses. Puppeteer merges this with its own disabled features.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];

export interface LaunchedBrowser {
  browser: Browser;
  /** Closes the browser and removes its fresh user-data folder. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data folder (no profile state leaks between runs). */
export async function launchBrowser(options: { executablePath?: string } = {}): Promise<LaunchedBrowser> {
  const executablePath = findBrowser(options.executablePath);
  if (!executablePath) throw new BrowserNotFoundError();
  checkSocketPathFits();
  const { default: puppeteer } = await import('puppeteer-core');
  let browser: Browser | undefined;
  // Interrupted (Ctrl-C, SIGTERM), the process exits without awaiting close(): Chromium is killed, and its
  // profile removed once it is gone.
  const userDataDir = createOwnedTempDir('evergreen-chromium-', {
    onExit: () => {
      const child = browser?.process();
      child?.kill('SIGKILL');
      return removeOnceChromiumIsGone(userDataDir.path, child?.pid);
    },
  });
  const launched = await puppeteer
    .launch({
      executablePath,
      headless: true,
      userDataDir: userDataDir.path,
      args: chromiumArgs,
      protocolTimeout: 600_000,
      // DevTools over a pipe rather than a port: when Evergreen dies, even by SIGKILL, the pipe closes and
      // Chromium exits with it instead of lingering as an orphan.
      pipe: true,
    })
    .catch((error: unknown) => {
      userDataDir.release();
      throw error;
    });
  browser = launched;
  return {
    browser: launched,
    async close() {
      await launched.close().catch(() => {});
      userDataDir.release();
    },
  };
}

/**
 * Removes a profile, and the temp folder Chromium keeps beside it (`org.chromium.Chromium.*`, named by the
 * profile's SingletonSocket link), once Chromium has exited. Chromium's helper processes (and Chromium
 * itself, when it was still starting and Evergreen could not reach it yet) outlive the exit of this process
 * by a moment and would write into a profile removed at once, so a detached helper waits for the browser's
 * pid to end (or three seconds, without one) and removes both then. The temp folder is not moved into the
 * profile with TMPDIR: the socket's path would then pass the limit `checkSocketPathFits` guards.
 */
function removeOnceChromiumIsGone(userDataDir: string, pid: number | undefined): 'removed later' | undefined {
  const script = `const fs = require('node:fs'), path = require('node:path');
const [dir, pid] = [process.argv[1], Number(process.argv[2])];
const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
const started = Date.now();
const tick = () => {
  if (pid ? alive() && Date.now() - started < 10000 : Date.now() - started < 3000) return setTimeout(tick, 100);
  setTimeout(() => {
    try { const s = path.dirname(fs.readlinkSync(path.join(dir, 'SingletonSocket'))); if (path.basename(s).startsWith('org.chromium.Chromium.')) fs.rmSync(s, { recursive: true, force: true }); } catch {}
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }, 200);
};
tick();`;
  try {
    spawn(process.execPath, ['-e', script, userDataDir, String(pid ?? 0)], { detached: true, stdio: 'ignore' }).unref();
    return 'removed later';
  } catch {
    // Removed at once then; the next launch sweeps whatever Chromium wrote afterwards (see ownedTempDir.ts).
    return undefined;
  }
}
