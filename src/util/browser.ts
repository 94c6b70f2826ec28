import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';

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
  const { default: puppeteer } = await import('puppeteer-core');
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'evergreen-chromium-'));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir,
    args: chromiumArgs,
    protocolTimeout: 600_000,
    // DevTools over a pipe rather than a port: when Evergreen dies, even by SIGKILL, the pipe closes and
    // Chromium exits with it instead of lingering as an orphan.
    pipe: true,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
