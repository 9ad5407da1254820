import type { Page } from 'playwright-core';
import { axeAudit, launchBrowser, screenshot, type TestBrowser } from '../support/browser';
import { Platform, startPlatform } from '../support/platform';

/**
 * The chat product in Chromium against the platform as processes (gateway, ai-router on the local
 * model, search with no provider configured): issue 18's fixes and features, each action found by
 * its accessible name. One browser and page; the tests run in order and build on each other.
 */
jest.setTimeout(120_000);

describe('PWA chat product in Chromium', () => {
  let p: Platform;
  let b: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [p, b] = await Promise.all([
      startPlatform({
        services: ['ai-router', 'search'],
        appEnv: {
          'ai-router': { AI_PROVIDERS: 'local' },
          // Nothing configured: the errors must speak to a person, not to an operator.
          search: { SEARCH_PROVIDERS: 'searxng', VIDEO_PROVIDERS: 'searxng', SEARXNG_URL: '' },
        },
      }),
      launchBrowser(),
    ]);
    page = b.page;
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await p?.stop();
  });

  const noSeriousA11y = async (name: string) => expect({ name, violations: await axeAudit(page) }).toEqual({ name, violations: [] });
  const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
  const ask = async (text: string) => {
    await page.fill('#chat-input', text);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.assistant.streaming');
    await page.waitForSelector('.bubble.streaming', { state: 'detached', timeout: 60_000 });
  };

  it('sign-in form: the username pattern works under the v flag and "Create account" runs HTML validation', async () => {
    await page.goto(`${p.baseUrl}/`);
    await page.waitForSelector('#auth-username');
    const validity = await page.$eval('#auth-username', (el: HTMLInputElement) => {
      el.value = 'ada-lovelace_1';
      const ok = el.validity.valid;
      el.value = 'ada lovelace!';
      return { ok, mismatch: el.validity.patternMismatch };
    });
    expect(validity).toEqual({ ok: true, mismatch: true });
    let registered = 0;
    page.on('request', (r) => void (r.url().endsWith('/auth/register') && registered++));
    await page.fill('#auth-password', 'short');
    await button('Create account').click();
    expect(await page.$eval('#auth-username', (el: HTMLInputElement) => el.matches(':invalid'))).toBe(true);
    expect(registered).toBe(0);
  });

  it('after sign-in the last conversation opens, not an empty one', async () => {
    const res = await p.request('/chat', { method: 'POST', json: { message: 'Once upon a time', user_id: p.userId, session_id: 'earlier' } });
    expect(res.status).toBe(200);
    await page.fill('#auth-username', p.user!.id);
    await page.fill('#auth-password', p.user!.password);
    await button('Sign in').click();
    await page.waitForSelector('.bubble.assistant');
    expect((await page.textContent('.bubble.user .bubble-body'))!.trim()).toBe('Once upon a time');
  });

  it('one blinking cursor while an answer streams', async () => {
    await page.fill('#chat-input', 'The little dog went to the park');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.assistant.streaming');
    const cursors = await page.$eval('.bubble.assistant.streaming', (el) =>
      [el, ...el.querySelectorAll('*')].filter((e) => !['none', 'normal', ''].includes(getComputedStyle(e, '::after').content)).length,
    );
    expect(cursors).toBe(1);
    await page.waitForSelector('.bubble.streaming', { state: 'detached', timeout: 60_000 });
  });

  it('a failed send in a long conversation: the error is in view and the typed text is back', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `line ${i}\n\n${'words '.repeat(40)}`, timestamp: new Date().toISOString() }));
    await page.route('**/chat/history/**', (route) => route.fulfill({ json: { user_id: p.userId, session_id: 'long', messages } }));
    await page.route('**/chat/stream', (route) => route.fulfill({ status: 503, json: { statusCode: 503, error: 'NO_PROVIDER_AVAILABLE', message: 'No provider could answer.' } }));
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    await page.fill('#chat-input', 'are you there?');
    await page.keyboard.press('Enter');
    const alert = page.locator('.messages [role=alert]');
    await alert.waitFor();
    await page.waitForTimeout(300);
    expect(await alert.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const box = el.closest('.messages')!.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom + 1 && r.bottom <= innerHeight;
    })).toBe(true);
    expect(await page.inputValue('#chat-input')).toBe('are you there?');
    await screenshot(page, '30-chat-error-in-view');
    await page.unroute('**/chat/history/**');
    await page.unroute('**/chat/stream');
    await page.fill('#chat-input', '');
  });

  it('search and video without a provider: a sentence for a person, no operator variable, no Retry', async () => {
    for (const [tab, text] of [['search', /Web search isn't set up on this server\. Ask your administrator\./], ['video', /Video search isn't set up on this server\. Ask your administrator\./]] as const) {
      await page.click(`#tab-${tab}`);
      await page.fill('input[type=search]', 'redis streams');
      await page.keyboard.press('Enter');
      const alert = page.locator('#panel [role=alert]');
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.textContent()).toMatch(text);
      expect(await alert.textContent()).not.toMatch(/SEARXNG_URL/);
      expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(0);
      await noSeriousA11y(`${tab} not configured`);
    }
    await page.click('#tab-chat');
  });
});
