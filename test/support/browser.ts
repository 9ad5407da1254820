import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startPlatform, type Platform, type PlatformOptions } from './platform';

/** Where screenshots go (git-ignored); CI keeps the folder as an artifact. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserOptions {
  /** A WAV file Chromium plays as the microphone (looping unless `noLoop`). */
  fakeAudioFile?: string;
  noLoop?: boolean;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (CSP violations show up here). */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium through playwright-core, headless, with a throwaway profile (a persistent
 * context: service workers and storage behave as for a person). One per test file: it is slow to start.
 */
export async function launchBrowser(opts: BrowserOptions = {}): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'nitro-chromium-'));
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--autoplay-policy=no-user-gesture-required',
    '--no-first-run',
  ];
  if (opts.fakeAudioFile) {
    args.push(
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${opts.fakeAudioFile}${opts.noLoop ? '%noloop' : ''}`,
    );
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: opts.viewport ?? { width: 1280, height: 860 },
    colorScheme: opts.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    serviceWorkers: 'allow',
    permissions: ['microphone'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    p.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  };
  watch(page);
  context.on('page', watch);
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

let axeSource = '';

/**
 * axe-core in the page; returns the serious and critical violations, each with a few selectors.
 * The gateway's CSP forbids inline scripts, so addScriptTag cannot inject it: it is evaluated
 * through the DevTools protocol instead, which the page's CSP does not govern.
 */
export async function axeAudit(page: Page): Promise<AxeViolation[]> {
  axeSource ||= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

/**
 * No internet here: video thumbnails (any https image) and YouTube's player are answered locally,
 * so screenshots show real-looking cards and no request leaves the machine.
 */
export async function stubExternalMedia(context: BrowserContext): Promise<void> {
  let n = 0;
  await context.route(/^https:\/\/(?!www\.youtube(-nocookie)?\.com\/embed\/).*/, (route) => {
    if (route.request().resourceType() !== 'image') return route.abort();
    const hue = (n++ * 67) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 45%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360} 70% 30%)"/></linearGradient></defs><rect width="320" height="180" fill="url(#g)"/><circle cx="160" cy="90" r="28" fill="rgba(255,255,255,.85)"/><path d="M151 76 L175 90 L151 104 Z" fill="#333"/></svg>`;
    return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: svg });
  });
  await context.route(/^https:\/\/www\.youtube(-nocookie)?\.com\/embed\//, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><title>player</title><body style="margin:0;background:#111;color:#eee;font:16px sans-serif;display:grid;place-items:center;height:100vh">Video player (stubbed in tests)</body>',
    }),
  );
}

/** Asserts axe finds no serious or critical violation on the page as it is now; `name` says which screen failed. */
export async function expectNoSeriousA11y(page: Page, name: string): Promise<void> {
  expect({ name, violations: await axeAudit(page) }).toEqual({ name, violations: [] });
}

/** The platform and Chromium of one browser suite, set by {@link browserSuite}'s beforeAll. */
export interface BrowserSuite {
  p: Platform;
  b: TestBrowser;
  page: Page;
}

/**
 * The beforeAll / afterAll of a PWA suite: the platform as processes (`opts`, by default the gateway and
 * ai-router on the local model) and Chromium, started together, stopped after the suite. Read the
 * returned object's fields inside tests (they are set once beforeAll has run).
 */
export function browserSuite(
  opts: PlatformOptions = { services: ['ai-router'], appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } } },
): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    [suite.p, suite.b] = await Promise.all([startPlatform(opts), launchBrowser()]);
    suite.page = suite.b.page;
  }, 180_000);
  afterAll(async () => {
    await suite.b?.close();
    await suite.p?.stop();
  });
  return suite;
}
