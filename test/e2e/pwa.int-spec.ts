import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { startLocalS3, type LocalS3 } from '../../apps/media/test/support/local-s3';
import { fakeProviderEnv, startFakeProviders, type FakeProviders } from '../../apps/search/test/support/fake-providers';
import { expectNoSeriousA11y, launchBrowser, screenshot, stubExternalMedia, type TestBrowser } from '../support/browser';
import { Platform, startPlatform } from '../support/platform';

/**
 * The PWA in Debian's Chromium against the whole platform as processes (gateway, ai-router with the
 * local model, media on s3rver, voice with flite/pocketsphinx, search on local provider servers,
 * agents). One
 * browser and one page for the file: the tests run in order and build on each other.
 */
jest.setTimeout(120_000);

const SENTENCE = 'Thank you very much for your help.';

describe('PWA in Chromium (whole platform)', () => {
  let p: Platform;
  let fake: FakeProviders;
  let s3: LocalS3;
  let b: TestBrowser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nitro-pwa-'));
    const wav = join(dir, 'mic.wav');
    execFileSync('flite', ['-voice', 'kal16', '-t', SENTENCE, '-o', wav]);
    [fake, s3] = await Promise.all([startFakeProviders(), startLocalS3()]);
    [p, b] = await Promise.all([
      startPlatform({
        services: ['ai-router', 'media', 'voice', 'search', 'agents'],
        env: s3.env,
        appEnv: {
          // A slow procedural drawing, so the page has progress to show.
          media: { IMAGE_PROVIDERS: 'procedural', PROCEDURAL_DELAY_MS: '1500', GALLERY_SWEEP_INTERVAL_MS: '0' },
          'ai-router': { AI_PROVIDERS: 'local' },
          search: { ...fakeProviderEnv(fake), PROVIDER_MIN_INTERVAL_MS: '0', FETCH_PAGES: 'false', SUMMARY_MAX_SOURCES: '3' },
          agents: { LLM_TIMEOUT_MS: '30000' },
        },
      }),
      launchBrowser({ fakeAudioFile: wav, noLoop: true }),
    ]);
    page = b.page;
    await stubExternalMedia(b.context);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await p?.stop();
    await fake?.close();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const go = async (tab: string) => {
    await page.click(`#tab-${tab}`);
    await page.waitForSelector(`#panel[aria-labelledby="tab-${tab}"]`);
  };
  const noSeriousA11y = (name: string) => expectNoSeriousA11y(page, name);

  it('signs in through the form and lands on chat', async () => {
    await page.goto(`${p.baseUrl}/`);
    await page.fill('#auth-username', p.user!.id);
    await page.fill('#auth-password', p.user!.password);
    await noSeriousA11y('sign-in');
    await screenshot(page, '00-sign-in');
    await page.click('#auth-login');
    await page.waitForSelector('#chat-input');
    expect(await page.textContent('#whoami')).toBe(p.user!.id);
  });

  it('first screen (sign-in, then the chat tab) loads at most 60 kB of JS, gzip (issue 18 budget)', async () => {
    // What this page fetched of our bundle: the entry script and every chunk it imported so far.
    const scripts: string[] = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((r) => new URL(r.name).pathname)
        .filter((path) => /^\/assets\/.+\.js$/.test(path)),
    );
    expect(scripts.length).toBeGreaterThan(1); // the entry and the chat tab's chunk at least
    const dist = join(__dirname, '..', '..', 'dist', 'apps', 'web', 'assets');
    const bytes = [...new Set(scripts)].reduce((sum, path) => sum + gzipSync(readFileSync(join(dist, basename(path)))).length, 0);
    expect(bytes).toBeLessThanOrEqual(60_000);
    // Loaded only when needed: no highlighter and no KaTeX before a code block or a formula.
    expect(scripts.join(' ')).not.toMatch(/highlight|katex/i);
  });

  it('chat: tokens stream into the page, provider and model are shown, and the history survives a reload', async () => {
    // Count how many times the answer's text changes while it is written.
    await page.evaluate(() => {
      const w = window as unknown as { __lengths: number[] };
      w.__lengths = [];
      new MutationObserver(() => {
        const body = document.querySelector('.bubble.assistant:last-of-type .bubble-body');
        if (body) w.__lengths.push(body.textContent!.length);
      }).observe(document.querySelector('.messages')!, { subtree: true, childList: true, characterData: true });
    });
    await page.fill('#chat-input', 'Once upon a time there was a little dog');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.assistant.streaming');
    await page.waitForSelector('.bubble.assistant:not(.streaming)', { timeout: 60_000 });
    const lengths: number[] = await page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths);
    expect(new Set(lengths.filter((n) => n > 0)).size).toBeGreaterThan(2);
    const answer = (await page.textContent('.bubble.assistant .bubble-body'))!.trim();
    expect(answer.length).toBeGreaterThan(0);
    expect(await page.textContent('.bubble.assistant .bubble-meta')).toMatch(/local · \S+ · \d+ tokens/);
    await screenshot(page, '01-chat');
    await noSeriousA11y('chat');

    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    expect(await page.$$eval('.bubble', (els) => els.map((e) => e.classList.contains('user')))).toEqual([true, false]);
    expect((await page.textContent('.bubble.user .bubble-body'))!.trim()).toBe('Once upon a time there was a little dog');
    expect((await page.textContent('.bubble.assistant .bubble-body'))!.trim()).toBe(answer);
    // Provider, model and token count are stored with the answer, not only shown live.
    expect(await page.textContent('.bubble.assistant .bubble-meta')).toMatch(/local · \S+ · \d+ tokens/);
    expect(await page.getAttribute('.bubble.assistant .bubble-meta .tokens', 'title')).toMatch(/\d+ in the prompt, \d+ in the answer/);
    expect(await page.$$eval('.conv-list li', (els) => els.length)).toBe(1);
  });

  const startAnswer = async (question: string) => {
    await page.click('#new-chat');
    await page.fill('#chat-input', question);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('.bubble.assistant.streaming .bubble-body')?.textContent ?? '').length > 0);
  };

  /** The answer on screen ends complete, and after a reload the conversation holds it once: one question, one answer. */
  const completesAndIsStoredOnce = async () => {
    await page.waitForSelector('.bubble.assistant:not(.streaming)', { timeout: 60_000 });
    expect(await page.textContent('.bubble.assistant .bubble-meta')).not.toMatch(/stopped|incomplete|failed/);
    const answer = (await page.textContent('.bubble.assistant .bubble-body'))!.trim();
    expect(answer.length).toBeGreaterThan(0);
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    expect(await page.$$eval('.bubble', (els) => els.map((e) => e.classList.contains('user')))).toEqual([true, false]);
    expect((await page.textContent('.bubble.assistant .bubble-body'))!.trim()).toBe(answer);
  };

  it('chat: Stop stops the answer on the server, and after a reload it still reads "stopped"', async () => {
    await startAnswer('Once upon a time');
    // The server's answer to Stop, so a failure says which side it was (a stop that arrived after the end reads "complete").
    const [stopped] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/stop')), page.click('#chat-stop')]);
    expect({ http: stopped.status(), status: (await stopped.json()).status }).toEqual({ http: 200, status: 'stopped' });
    await page.waitForSelector('.bubble.assistant:not(.streaming)');
    expect(await page.textContent('.bubble.assistant .bubble-meta')).toMatch(/stopped/);
    const shown = (await page.textContent('.bubble.assistant .bubble-body'))!.trim();
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    expect(await page.textContent('.bubble.assistant .bubble-meta')).toMatch(/stopped/);
    expect((await page.textContent('.bubble.assistant .bubble-body'))!.trim()).toBe(shown);
  });

  it('chat: Stop pressed before the server has named the stream still stops it there (sent as soon as it starts)', async () => {
    // The request reaches the server a second late: Stop is pressed while the page waits for `start`.
    await page.route('**/chat/stream', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await page.click('#new-chat');
    await page.fill('#chat-input', 'A stop before the start');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.assistant.streaming');
    const [stopped] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/stop')), page.click('#chat-stop')]);
    expect(stopped.status()).toBe(200);
    await page.unroute('**/chat/stream');
    await page.waitForSelector('.bubble.assistant:not(.streaming)');
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    expect(await page.textContent('.bubble.assistant .bubble-meta')).toMatch(/stopped/);
  });

  it('chat: an answer still being written when the page reloads is picked up again, completes, and is stored once', async () => {
    await startAnswer('The little dog went to the park');
    await page.reload();
    await page.waitForSelector('.bubble.assistant.streaming');
    await completesAndIsStoredOnce();
  });

  it('chat: opening another conversation mid-answer leaves it writing; it is listed, and picked up when opened again', async () => {
    await startAnswer('The big cat sat on the mat');
    const conv = (title: string) => page.locator('.conv-list button.conv', { hasText: title });
    // Listed while its first answer is still being written (it is stored when the answer ends).
    await conv('The big cat sat on the mat').waitFor();
    await conv('The little dog went to the park').click();
    await page.waitForSelector('.bubble.assistant:not(.streaming)');
    // Stop and Send belong to the conversation on screen: nothing is being written here.
    expect(await page.isHidden('#chat-stop')).toBe(true);
    expect(await page.isEnabled('#chat-send')).toBe(true);
    expect(await page.textContent('.bubble.user .bubble-body')).toContain('The little dog went to the park');
    // A message sent here meanwhile does not push the other conversation out of the list, nor its answer out of reach.
    await page.fill('#chat-input', 'Then the dog ran home');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.assistant.streaming', { state: 'detached', timeout: 60_000 });
    expect(await conv('The big cat sat on the mat').count()).toBe(1);
    await conv('The big cat sat on the mat').click();
    await page.waitForFunction(() => document.querySelector('.bubble.user .bubble-body')?.textContent?.includes('The big cat'));
    await completesAndIsStoredOnce();
  });

  it('chat: while an answer is written, an edit box keeps its text through the redraw at the end; one busy notice; aria-busy', async () => {
    await page.route('**/chat/stream', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.fill('#chat-input', 'And then the cat slept');
    await page.keyboard.press('Enter');
    // Read once it is complete, not piece by piece.
    await page.waitForSelector('.bubble.assistant.streaming[aria-busy="true"]');
    await page.locator('.bubble.user[data-position]').first().getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('my edit in progress');
    const regenerate = page.locator('.bubble.assistant[data-position]').first().getByRole('button', { name: 'Regenerate' });
    await regenerate.click();
    await regenerate.click();
    expect(await page.locator('.toast', { hasText: 'An answer is being written' }).count()).toBe(1);
    await page.waitForSelector('.bubble.assistant.streaming', { state: 'detached', timeout: 60_000 });
    await page.waitForSelector('.bubble.assistant[data-position="3"]'); // drawn again from the history
    expect(await page.getByRole('textbox', { name: 'Edit message' }).inputValue()).toBe('my edit in progress');
    expect(await page.$$eval('.bubble[aria-busy]', (els) => els.length)).toBe(0);
    expect(await page.getAttribute('.messages', 'aria-live')).toBe('polite');
    await page.unroute('**/chat/stream');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a model answer containing HTML renders as text: no <img>, no script ran (streamed and from history)', async () => {
    const evil = 'Look: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> [link](javascript:window.__pwned=3)';
    const tokens = evil.match(/.{1,7}/g)!;
    const sse = [
      `event: meta\ndata: ${JSON.stringify({ type: 'meta', session_id: 'xss', ai_model: 'm', ai_source: 'local' })}\n\n`,
      ...tokens.map((t) => `event: token\ndata: ${JSON.stringify({ type: 'token', text: t })}\n\n`),
      `event: done\ndata: ${JSON.stringify({ type: 'done', response: evil, ai_model: 'm', ai_source: 'local', session_id: 'xss', timestamp: new Date().toISOString() })}\n\n`,
    ].join('');
    // The same code path as a real answer: the bundle's SSE reader and Markdown renderer.
    await page.route('**/chat/stream', (route) =>
      route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: sse }),
    );
    await page.click('#new-chat');
    await page.fill('#chat-input', 'say something nasty');
    await page.click('#chat-send');
    await page.waitForSelector('.bubble.assistant:not(.streaming)');
    await page.unroute('**/chat/stream');
    const check = async () => {
      expect(await page.$$eval('.messages img, .messages script', (els) => els.length)).toBe(0);
      expect(await page.$$eval('.messages a[href^="javascript"]', (els) => els.length)).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.textContent('.bubble.assistant .bubble-body')).toContain('<img src=x onerror="window.__pwned=1">');
    };
    await check();
    await page.route('**/chat/history/**', (route) =>
      route.fulfill({
        json: {
          user_id: p.user!.id,
          session_id: 'xss',
          messages: [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: evil, ai_source: 'local', ai_model: 'm' },
          ],
        },
      }),
    );
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    await check();
    await page.unroute('**/chat/history/**');
  });

  it('images: a job shows its progress, lands in the gallery, opens full size and is deleted', async () => {
    await go('images');
    await page.evaluate(() => {
      const w = window as unknown as { __stages: string[] };
      w.__stages = [];
      new MutationObserver(() =>
        document
          .querySelectorAll<HTMLElement>('.job')
          .forEach((j) =>
            w.__stages.push(`${j.dataset.stage}:${(j.querySelector('progress') as HTMLProgressElement | null)?.value ?? '-'}`),
          ),
      ).observe(document.querySelector('.jobs')!, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.fill('#panel textarea >> nth=0', 'a lighthouse on a cliff at dusk');
    await page.selectOption('#panel select >> nth=0', '256x256');
    await page.selectOption('#panel select >> nth=1', '2');
    await page.click('#panel button[type=submit]');
    await page.waitForSelector('.job progress');
    await screenshot(page, '07-images-progress');
    await page.waitForFunction(() => document.querySelectorAll('.gallery li img[src^="blob:"]').length === 2, undefined, {
      timeout: 60_000,
    });
    const stages: string[] = await page.evaluate(() => (window as unknown as { __stages: string[] }).__stages);
    expect(stages).toContain('generating:50'); // one of two images drawn
    expect(stages.some((s) => s.startsWith('done:100'))).toBe(true);
    await screenshot(page, '08-images');
    await noSeriousA11y('images');

    await page.click('.gallery .tile-open');
    await page.waitForSelector('dialog[open] img[src^="blob:"]');
    expect(await page.$eval('dialog[open] img', (i: HTMLImageElement) => i.naturalWidth)).toBe(256);
    await screenshot(page, '09-images-viewer');
    await page.keyboard.press('Escape');
    page.once('dialog', (d) => void d.accept());
    await page.click('.gallery li:first-child button.danger');
    await page.waitForFunction(() => document.querySelectorAll('.gallery li').length === 1);
    const left = await (await p.request(`/gallery/${p.userId}`)).json();
    expect(left.total).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.closest('.gallery li') !== null)).toBe(true); // focus stays in the grid
  });

  it('search: results, an AI summary whose [n] citations jump to result n', async () => {
    await go('search');
    await page.fill('input[type=search]', 'redis streams consumer groups');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.results .result');
    await page.waitForSelector('.summary:not(.streaming) .summary-text a.cite', { timeout: 60_000 });
    const cite = await page.$('.summary-text a.cite');
    const n = (await cite!.textContent())!.replace(/\D/g, '');
    await cite!.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`result-${n}`);
    expect(page.url()).toMatch(/#search$/); // the tab router's hash is untouched
    await screenshot(page, '02-search');
    await noSeriousA11y('search');
  });

  it('video: results with thumbnails, and a nocookie embedded player', async () => {
    await go('video');
    await page.fill('input[type=search]', 'redis streams');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.video-card .thumb img');
    await page.click('.video-card .thumb-btn');
    const src = await page.getAttribute('iframe.player', 'src');
    expect(src).toMatch(/^https:\/\/www\.youtube-nocookie\.com\/embed\/[\w-]+/);
    await screenshot(page, '03-video');
    await noSeriousA11y('video');
  });

  it('agents: code review keeps static findings and the AI review apart; a file is analysed; a task is scheduled and cancelled', async () => {
    await go('agents');
    await page.fill('.code-input', "import os\n\ndef hello():\n    print('hi')\n");
    await page.click('text=Review code');
    await page.waitForSelector('.findings tbody tr', { timeout: 60_000 });
    const rules = await page.$$eval('.findings tbody tr td:nth-child(3)', (els) => els.map((e) => e.textContent));
    // The unused import is Ruff's F401 since code review runs the real linters (issue 20); debug-print is ours.
    expect(rules).toEqual(expect.arrayContaining(['debug-print', 'F401']));
    await page.waitForSelector('#review-title ~ div .llm-review, #review-title ~ div p.muted');

    await page.setInputFiles('#file-input', {
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('name,age\nada,36\nalan,41\n'),
    });
    await page.waitForSelector('.facts dd:has-text("csv")', { timeout: 60_000 });

    await page.fill('.schedule-form input[type=text] >> nth=0', 'Tell me a story');
    await page.click('#schedule-add');
    await page.waitForSelector('.task .pill.status-active');
    await page.click('.task button.danger');
    await page.waitForSelector('.task .pill.status-cancelled');
    await screenshot(page, '04-agents', true);
    await noSeriousA11y('agents');
  });

  it('voice: the fake microphone (a flite WAV) gives a transcript and a spoken answer', async () => {
    await go('voice');
    await page.click('#record');
    await page.waitForSelector('.record-btn.on');
    await page.waitForTimeout(3500); // the sentence lasts about 2 s
    await page.click('#record');
    await page.waitForSelector('.turn[data-done="true"]', { timeout: 90_000 });
    const heard = (await page.textContent('.turn .heard'))!.toLowerCase();
    expect(heard).toMatch(/thank|much|help/);
    expect((await page.textContent('.turn .answer'))!.trim().length).toBeGreaterThan(0);
    const audio = await page.$eval('.turn audio', (a: HTMLAudioElement) => ({ src: a.src, hidden: a.hidden }));
    expect(audio.src).toMatch(/^blob:/);
    expect(audio.hidden).toBe(false);
    await screenshot(page, '05-voice');
    await noSeriousA11y('voice');
  });

  it('service worker: registers, and offline the cached shell loads and says the server is unreachable', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    const cached: string[] = await page.evaluate(async () =>
      (
        await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)))
      ).flat(),
    );
    expect(cached).toContain('/');
    for (const path of cached) expect(path).toMatch(/^\/($|assets\/|icons\/|manifest\.webmanifest$)/);
    // Installable as Chromium judges it (manifest fields, icons, a service worker with a fetch handler).
    const cdp = await b.context.newCDPSession(page);
    expect((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
    await cdp.detach();

    await go('chat');
    await b.context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector('#offline-banner:not([hidden])');
      expect(await page.textContent('#offline-banner')).toMatch(/server is unreachable/i);
      expect(await page.isVisible('.topbar .brand')).toBe(true);
      // API calls are never answered from the cache.
      expect(
        await page.evaluate(() =>
          fetch('/health').then(
            () => 'answered',
            () => 'failed',
          ),
        ),
      ).toBe('failed');
      await screenshot(page, '06-offline');
    } finally {
      await b.context.setOffline(false);
    }
    await page.reload();
    await page.waitForSelector('#offline-banner', { state: 'hidden' });
  });

  it('every tab in dark theme and on a phone: no serious accessibility violations', async () => {
    await page.click('#theme-toggle');
    expect(await page.getAttribute('#theme-toggle', 'aria-pressed')).toBe('true');
    for (const tab of ['chat', 'images', 'voice', 'search', 'video', 'agents']) {
      await go(tab);
      await page.waitForTimeout(300);
      await noSeriousA11y(`${tab} (dark)`);
      await screenshot(page, `10-dark-${tab}`);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const tab of ['chat', 'search', 'agents']) {
      await go(tab);
      await screenshot(page, `20-phone-${tab}`);
    }
    expect(b.problems.filter((m) => /Content Security Policy|pageerror/i.test(m))).toEqual([]);
  });
});
