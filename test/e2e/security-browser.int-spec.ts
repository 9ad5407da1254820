import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { Platform, startPlatform } from '../support/platform';

const CHROMIUM = '/usr/bin/chromium';
const WEB_ROOT = join(__dirname, '..', '..', 'dist', 'apps', 'web');

/**
 * The Content-Security-Policy must stop foreign scripts yet let our own pages work: a real
 * Chromium loads the PWA (signs in through its form) and Swagger UI, and no CSP violation may
 * be reported on either.
 */
describe('security headers in a real browser (Chromium)', () => {
  let p: Platform;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(WEB_ROOT, 'index.html')))
      throw new Error(`${WEB_ROOT}/index.html is missing: run "pnpm build" (it builds the PWA too)`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    p = await startPlatform({ services: [], appEnv: { gateway: { WEB_ROOT } } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  /** Collects every CSP violation the page reports, from the DOM event and from the console. */
  async function watch(page: Page): Promise<string[]> {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    return violations;
  }

  it('runs the PWA under the policy: its scripts load and signing in works', async () => {
    const page = await browser.newPage();
    const violations = await watch(page);
    await page.goto(`${p.baseUrl}/`);
    await page.fill('#auth-username', p.user!.id);
    await page.fill('#auth-password', p.user!.password);
    await page.click('#auth-login');
    await page.waitForFunction(() => document.getElementById('whoami')?.textContent === 'tester', undefined, { timeout: 30_000 });
    expect(violations).toEqual([]);
    await page.close();
  });

  it('runs Swagger UI at /docs under the policy', async () => {
    const page = await browser.newPage();
    const violations = await watch(page);
    await page.goto(`${p.baseUrl}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('blocks an inline script injected into our origin (the policy is really enforced)', async () => {
    const page = await browser.newPage();
    const violations = await watch(page);
    await page.goto(`${p.baseUrl}/`);
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
    });
    await page.waitForFunction(() => true);
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(violations.join('\n')).toMatch(/script-src/);
    await page.close();
  });
});
