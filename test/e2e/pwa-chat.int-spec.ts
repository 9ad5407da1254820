import { readFileSync } from 'node:fs';
import type { Page, Route } from 'playwright-core';
import { expectNoSeriousA11y, launchBrowser, screenshot, type TestBrowser } from '../support/browser';
import { Platform, startPlatform } from '../support/platform';

/**
 * The chat product in Chromium against the platform as processes (gateway, ai-router on the local
 * model, search with no provider configured): issue 18's fixes and features, each action found by
 * its accessible name. One browser and page; the tests run in order and build on each other.
 */
jest.setTimeout(120_000);

/** A send's answer when no provider can serve it: the gateway's 503, as the page sees it. */
const noProvider = (route: Route) =>
  route.fulfill({ status: 503, json: { statusCode: 503, error: 'NO_PROVIDER_AVAILABLE', message: 'No provider could answer.' } });

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

  const noSeriousA11y = (name: string) => expectNoSeriousA11y(page, name);
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
    const res = await p.request('/chat', {
      method: 'POST',
      json: { message: 'Once upon a time', user_id: p.userId, session_id: 'earlier' },
    });
    expect(res.status).toBe(200);
    await page.fill('#auth-username', p.user!.id);
    await page.fill('#auth-password', p.user!.password);
    await button('Sign in').click();
    await page.waitForSelector('.bubble.assistant');
    expect((await page.textContent('.bubble.user .bubble-body'))!.trim()).toBe('Once upon a time');
  });

  it('a reload after the open conversation was deleted elsewhere opens the most recent one, not an empty one', async () => {
    const other = await p.request('/chat', {
      method: 'POST',
      json: { message: 'There was a fox', user_id: p.userId, session_id: 'other' },
    });
    expect(other.status).toBe(200);
    expect((await p.request(`/chat/sessions/${p.userId}/earlier`, { method: 'DELETE' })).status).toBe(200);
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    expect((await page.textContent('.bubble.user .bubble-body'))!.trim()).toBe('There was a fox');
  });

  it('one blinking cursor while an answer streams', async () => {
    await page.fill('#chat-input', 'The little dog went to the park');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.assistant.streaming');
    const cursors = await page.$eval(
      '.bubble.assistant.streaming',
      (el) =>
        [el, ...el.querySelectorAll('*')].filter((e) => !['none', 'normal', ''].includes(getComputedStyle(e, '::after').content)).length,
    );
    expect(cursors).toBe(1);
    await page.waitForSelector('.bubble.streaming', { state: 'detached', timeout: 60_000 });
  });

  it('a failed send in a long conversation: the error is in view and the typed text is back', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `line ${i}\n\n${'words '.repeat(40)}`,
      timestamp: new Date().toISOString(),
    }));
    await page.route('**/chat/history/**', (route) => route.fulfill({ json: { user_id: p.userId, session_id: 'long', messages } }));
    await page.route('**/chat/stream', noProvider);
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
    await page.fill('#chat-input', 'are you there?');
    await page.keyboard.press('Enter');
    const alert = page.locator('.messages [role=alert]');
    await alert.waitFor();
    await page.waitForTimeout(300);
    expect(
      await alert.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const box = el.closest('.messages')!.getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom + 1 && r.bottom <= innerHeight;
      }),
    ).toBe(true);
    expect(await page.inputValue('#chat-input')).toBe('are you there?');
    await screenshot(page, '30-chat-error-in-view');
    await page.unroute('**/chat/history/**');
    await page.unroute('**/chat/stream');
    await page.fill('#chat-input', '');
  });

  it('a message longer than the model reads: said for a person, no Retry, the text back', async () => {
    await page.click('#new-chat');
    await page.waitForSelector('.empty-chat');
    const long = 'word '.repeat(5000).trim();
    await page.fill('#chat-input', long);
    await page.keyboard.press('Enter');
    const alert = page.locator('.messages [role=alert]').last();
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toContain('This message is too long for the model to read at once.');
    expect(await alert.textContent()).not.toMatch(/tokens|options\.system/);
    expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await page.inputValue('#chat-input')).toBe(long);
    await page.fill('#chat-input', '');
  });

  it('search and video without a provider: a sentence for a person, no operator variable, no Retry', async () => {
    for (const [tab, text] of [
      ['search', /Web search isn't set up on this server\. Ask your administrator\./],
      ['video', /Video search isn't set up on this server\. Ask your administrator\./],
    ] as const) {
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

  const last = (role: 'user' | 'assistant') => page.locator(`.bubble.${role}`).last();
  /** The last stored message of a role (drawn with its position; not a live one being sent). */
  const stored = (role: 'user' | 'assistant') => page.locator(`.bubble.${role}[data-position]`).last();
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const history = async (session: string) =>
    (await p.request(`/chat/history/${p.userId}?session_id=${encodeURIComponent(session)}`)).json();
  const current = () => page.evaluate((u) => localStorage.getItem(`nitro.chat.session.${u}`)!, p.userId);

  it('Copy, Regenerate with ‹ 1/2 ›, and both answers survive a reload', async () => {
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: p.baseUrl });
    await page.click('#new-chat');
    await ask('Once upon a time there was a cat');
    const session = await current();
    const first = (await history(session)).messages[1].content as string;
    await last('assistant').getByRole('button', { name: 'Copy', exact: true }).click();
    expect(await clipboard()).toBe(first);

    await last('assistant').getByRole('button', { name: 'Regenerate' }).click();
    await page.waitForSelector('.branch-nav[aria-label="Answer 2 of 2"]', { timeout: 60_000 });
    // Answers are kept at the answer's position (1), so an Edit of the question later keeps them with it.
    expect((await history(session)).branches).toEqual({ '1': { count: 2, active: 1, kind: 'regenerate' } });
    await button('Previous answer').click();
    await page.waitForSelector('.branch-nav[aria-label="Answer 1 of 2"]');
    // The view is drawn again: the focus stays on the arrows (the one still enabled), for the keyboard.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Next answer');
    await last('assistant').getByRole('button', { name: 'Copy', exact: true }).click();
    expect(await clipboard()).toBe(first);
    expect((await history(session)).messages[1].content).toBe(first);
    await page.reload();
    await page.waitForSelector('.branch-nav[aria-label="Answer 1 of 2"]');
    await button('Next answer').click();
    await page.waitForSelector('.branch-nav[aria-label="Answer 2 of 2"]');
    expect(await page.$$eval('.bubble', (els) => els.length)).toBe(2);
    await screenshot(page, '31-chat-alternatives');
  });

  it('Edit and resend makes a branch; the versions are navigable and survive a reload', async () => {
    // Escape cancels an edit; a blank one is refused by the form, not sent.
    await last('user').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).press('Escape');
    await page.getByRole('textbox', { name: 'Edit message' }).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit'); // focus back on Edit
    await last('user').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('   ');
    await button('Save and send').click();
    expect(await page.getByRole('textbox', { name: 'Edit message' }).evaluate((el: HTMLTextAreaElement) => el.validity.valid)).toBe(false);
    await button('Cancel').click();
    await last('user').getByRole('button', { name: 'Edit' }).click();
    expect(await last('user').getByRole('button', { name: 'Edit' }).isVisible()).toBe(false); // hidden while editing
    await page.getByRole('textbox', { name: 'Edit message' }).fill('Once upon a time there was a bird');
    await page.getByRole('textbox', { name: 'Edit message' }).press('Enter'); // as in the composer
    // The question has two versions, "cat" and "bird"; "cat" keeps its two answers (a tester saw 3/3 with the answers lost).
    await page.waitForSelector('.branch-nav[aria-label="Version 2 of 2"]', { timeout: 60_000 });
    expect((await last('user').locator('.bubble-body').textContent())!.trim()).toBe('Once upon a time there was a bird');
    expect(await page.locator('.branch-nav[aria-label^="Answer"]').count()).toBe(0);
    await button('Previous version').click();
    await page.waitForSelector('.branch-nav[aria-label="Version 1 of 2"]');
    expect((await last('user').locator('.bubble-body').textContent())!.trim()).toBe('Once upon a time there was a cat');
    await page.reload();
    await page.waitForSelector('.branch-nav[aria-label="Version 1 of 2"]');
    await page.waitForSelector('.branch-nav[aria-label="Answer 2 of 2"]');
    await button('Next version').click();
    await page.waitForSelector('.branch-nav[aria-label="Version 2 of 2"]');
    expect((await last('user').locator('.bubble-body').textContent())!.trim()).toBe('Once upon a time there was a bird');
    expect((await history(await current())).branches).toEqual({ '0': { count: 2, active: 1, kind: 'edit' } });
  });

  it('a Regenerate whose answer fails leaves the conversation as it was, with the error and Retry in view', async () => {
    const session = await current();
    const before = await history(session);
    await page.route('**/chat/stream', noProvider);
    await last('assistant').getByRole('button', { name: 'Regenerate' }).click();
    const alert = page.locator('.messages [role=alert]').last();
    await alert.waitFor();
    await page.unroute('**/chat/stream');
    // The version shown before is back, and no empty alternative was left behind.
    await page.waitForSelector('.branch-nav[aria-label="Version 2 of 2"]');
    const after = await history(session);
    expect(after.branches).toEqual(before.branches);
    expect(after.messages.map((m: { content: string }) => m.content)).toEqual(before.messages.map((m: { content: string }) => m.content));
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    expect(await page.inputValue('#chat-input')).toBe('');
    await page.reload();
    await page.waitForSelector('.branch-nav[aria-label="Version 2 of 2"]');
    expect(await page.$$eval('.bubble', (els) => els.length)).toBe(2);
  });

  it('a failed Edit puts its text back in its edit box (not the composer); branching waits for an answer being written', async () => {
    const session = await current();
    const before = await history(session);
    await page.route('**/chat/stream', noProvider);
    await stored('user').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('an edit that fails');
    await page.getByRole('textbox', { name: 'Edit message' }).press('Enter');
    await page.locator('.messages [role=alert]').last().waitFor();
    expect(await page.getByRole('textbox', { name: 'Edit message' }).inputValue()).toBe('an edit that fails');
    expect(await page.inputValue('#chat-input')).toBe('');
    expect((await history(session)).branches).toEqual(before.branches);
    await button('Cancel').click();

    // While an answer is on its way, Regenerate says why it does nothing.
    await page.unroute('**/chat/stream');
    await page.route('**/chat/stream', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await noProvider(route);
    });
    await page.fill('#chat-input', 'a question that waits');
    await page.keyboard.press('Enter');
    await stored('assistant').getByRole('button', { name: 'Regenerate' }).click();
    await page.getByText('An answer is being written: wait for it to finish, or Stop it.').waitFor();
    await page.waitForFunction(() => (document.querySelector('#chat-input') as HTMLTextAreaElement).value === 'a question that waits');
    await page.unroute('**/chat/stream');
    await page.fill('#chat-input', '');
    expect((await history(session)).branches).toEqual(before.branches);
    await page.reload(); // the failed send's bubbles go; the stored conversation is drawn
    await stored('assistant').waitFor();
  });

  it('a paste longer than a message holds is cut with a word, in the composer and in an edit box', async () => {
    const paste = (selector: string) =>
      page.$eval(selector, (el) => {
        const data = new DataTransfer();
        data.setData('text/plain', 'x'.repeat(33_000));
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      });
    await paste('#chat-input');
    await page.getByText(/A message holds up to 32,000 characters, so the paste was cut\. Attach a long text/).waitFor();
    await stored('user').getByRole('button', { name: 'Edit' }).click();
    await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
    await paste('.edit-form textarea');
    await page.getByText('A message holds up to 32,000 characters, so the paste was cut.', { exact: true }).waitFor();
    await button('Cancel').click();
  });

  it('a Regenerate cut off before anything was stored (the page closed) can be undone after a reload', async () => {
    const session = await current();
    const before = await history(session);
    // Offline between the fork and the answer: neither the stream nor the way back reaches the server.
    await page.route('**/chat/stream', (route) => route.abort());
    await page.route('**/branches', (route) => route.abort());
    await last('assistant').getByRole('button', { name: 'Regenerate' }).click();
    await page.locator('.messages [role=alert]').last().waitFor();
    await page.unroute('**/chat/stream');
    await page.unroute('**/branches');
    await page.reload();
    const notice = page.locator('.empty-version');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Nothing was stored in this version');
    await notice.getByRole('button', { name: 'Previous answer' }).click();
    await page.waitForSelector('.branch-nav[aria-label="Version 2 of 2"]');
    expect((await history(session)).branches).toEqual(before.branches);
    expect(await page.$$eval('.bubble', (els) => els.length)).toBe(2);
  });

  it('Regenerate leaves the composer alone: the draft text and its file stay, and are not sent', async () => {
    const session = await current();
    await page.fill('#chat-input', 'my draft text');
    await page.setInputFiles('input[aria-label="File to attach"]', {
      name: 'draft.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('a draft file'),
    });
    await button('Remove draft.txt').waitFor();
    await last('assistant').getByRole('button', { name: 'Regenerate' }).click();
    await page.waitForSelector('.branch-nav[aria-label="Answer 2 of 2"]', { timeout: 60_000 });
    await page.waitForSelector('.bubble.streaming', { state: 'detached', timeout: 60_000 });
    expect(await page.inputValue('#chat-input')).toBe('my draft text');
    expect(await button('Remove draft.txt').count()).toBe(1);
    expect((await history(session)).messages[0].attachments).toBeUndefined();
    await button('Remove draft.txt').click();
    await page.fill('#chat-input', '');
    await button('Previous answer').click();
    await page.waitForSelector('.branch-nav[aria-label="Answer 1 of 2"]');
  });

  it('Read aloud sends the answer to POST /voice/speak', async () => {
    const spoken = new Promise<string>(
      (resolve) =>
        void page.route('**/voice/speak', (route) => {
          resolve(route.request().postDataJSON().text);
          return route.fulfill({ status: 503, json: { statusCode: 503, error: 'ENGINE_MISSING', message: 'no engine here' } });
        }),
    );
    await last('assistant').getByRole('button', { name: 'Read aloud' }).click();
    expect(await spoken).toBe((await history(await current())).messages[1].content);
    await page.unroute('**/voice/speak');
  });

  it('Read aloud again while it plays stops it (no second request)', async () => {
    // Two seconds of silence as a WAV: something the page can really play.
    const rate = 8000;
    const samples = rate * 2;
    const wav = Buffer.alloc(44 + samples, 0x80);
    wav.write('RIFF', 0);
    wav.writeUInt32LE(36 + samples, 4);
    wav.write('WAVEfmt ', 8);
    wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20);
    wav.writeUInt16LE(1, 22);
    wav.writeUInt32LE(rate, 24);
    wav.writeUInt32LE(rate, 28);
    wav.writeUInt16LE(1, 32);
    wav.writeUInt16LE(8, 34);
    wav.write('data', 36);
    wav.writeUInt32LE(samples, 40);
    let requests = 0;
    await page.route('**/voice/speak', (route) => (requests++, route.fulfill({ status: 200, contentType: 'audio/wav', body: wav })));
    await page.evaluate(() => {
      const w = window as unknown as { audio: { plays: number; pauses: number } };
      w.audio = { plays: 0, pauses: 0 };
      const { play, pause } = HTMLMediaElement.prototype;
      HTMLMediaElement.prototype.play = function () {
        w.audio.plays++;
        return play.call(this);
      };
      HTMLMediaElement.prototype.pause = function () {
        w.audio.pauses++;
        return pause.call(this);
      };
    });
    const read = last('assistant').getByRole('button', { name: 'Read aloud' });
    expect(await read.getAttribute('aria-pressed')).toBe('false');
    await read.click();
    await page.waitForFunction(() => (window as unknown as { audio: { plays: number } }).audio.plays === 1);
    expect(await read.getAttribute('aria-pressed')).toBe('true'); // the button shows it is reading
    await read.click();
    await page.waitForFunction(() => (window as unknown as { audio: { pauses: number } }).audio.pauses >= 1);
    await page.waitForTimeout(300);
    expect(requests).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { audio: { plays: number } }).audio.plays)).toBe(1);
    expect(await read.getAttribute('aria-pressed')).toBe('false');

    // A double click while the audio is still on its way (a tester heard two clips that would not stop): the second
    // click stops the first, nothing plays.
    await page.unroute('**/voice/speak');
    await page.route('**/voice/speak', async (route) => {
      requests++;
      await new Promise((r) => setTimeout(r, 500));
      await route.fulfill({ status: 200, contentType: 'audio/wav', body: wav }).catch(() => undefined);
    });
    await read.dblclick();
    await page.waitForTimeout(1200);
    expect(await page.evaluate(() => (window as unknown as { audio: { plays: number } }).audio.plays)).toBe(1);
    expect(await read.getAttribute('aria-pressed')).toBe('false');

    // Leaving the tab stops the reading (its button is gone with the tab).
    await read.click();
    await page.waitForFunction(() => (window as unknown as { audio: { plays: number } }).audio.plays === 2);
    const pauses = await page.evaluate(() => (window as unknown as { audio: { pauses: number } }).audio.pauses);
    await page.click('#tab-images');
    await page.waitForFunction((n) => (window as unknown as { audio: { pauses: number } }).audio.pauses > n, pauses);
    await page.click('#tab-chat');
    await last('assistant').waitFor();
    await page.unroute('**/voice/speak');
  });

  it('conversations: grouped by date, Rename, search over titles and messages, Export Markdown and JSON', async () => {
    const session = await current();
    expect(await page.getByRole('heading', { name: 'Today' }).count()).toBe(1);
    const title = (await (await p.request(`/chat/sessions/${p.userId}`)).json()).find(
      (s: { session_id: string }) => s.session_id === session,
    ).title;
    expect(title).toBe('Once upon a time there was a cat'); // the first question names it until renamed
    await button(`Rename conversation ${title}`).click();
    await page.getByRole('textbox', { name: 'Conversation title' }).fill('Bird story');
    await page.keyboard.press('Enter');
    await button('Rename conversation Bird story').waitFor();
    const sessions = await (await p.request(`/chat/sessions/${p.userId}`)).json();
    expect(sessions.find((s: { session_id: string }) => s.session_id === session).title).toBe('Bird story');
    // Escape cancels a rename: nothing is sent, the title stays.
    await button('Rename conversation Bird story').click();
    await page.getByRole('textbox', { name: 'Conversation title' }).fill('Typed then escaped');
    await page.keyboard.press('Escape');
    await button('Rename conversation Bird story').waitFor();
    const kept = await (await p.request(`/chat/sessions/${p.userId}`)).json();
    expect(kept.find((s: { session_id: string }) => s.session_id === session).title).toBe('Bird story');

    const searchbox = page.getByRole('searchbox', { name: 'Search conversations' });
    await searchbox.fill('bird');
    await page.waitForFunction(() => document.querySelectorAll('.conv-list li').length === 1);
    expect(await page.locator('.conv mark').first().textContent()).toBe('Bird'); // a title match is marked too
    // The box holds what the server accepts (200 code points), so a long paste is not a raw 400.
    await searchbox.fill('x'.repeat(250));
    expect((await searchbox.inputValue()).length).toBe(200);
    await page.getByText('No conversation matches.').waitFor();
    expect(await page.getByText(/searching messages failed/).count()).toBe(0);
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('no such words at all');
    await page.getByText('No conversation matches.').waitFor();
    // Message text, not only titles (GET /chat/sessions?q=): a phrase of the answer finds this conversation, marked in a snippet.
    const answer = (await history(session)).messages[1].content as string;
    const phrase = answer.trim().split(/\s+/).slice(0, 3).join(' ');
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill(phrase);
    const mark = page.locator('.conv-list li', { has: button('Rename conversation Bird story') }).locator('.conv-snippet mark');
    await mark.waitFor();
    expect((await mark.textContent())?.toLowerCase()).toBe(phrase.toLowerCase());
    // A match at the end of a long answer is in view in the snippet, not cut off behind an ellipsis.
    const late = [...answer.trim().split('\n').pop()!].slice(-15).join('').trim();
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill(late);
    const item = page.locator('.conv-list li', { has: button('Rename conversation Bird story') });
    await item.locator('.conv-snippet mark').waitFor();
    expect((await item.locator('.conv-snippet mark').textContent())?.toLowerCase()).toBe(late.toLowerCase());
    const [box, markBox] = await Promise.all([
      item.locator('.conv-snippet').boundingBox(),
      item.locator('.conv-snippet mark').boundingBox(),
    ]);
    expect(markBox!.x + markBox!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    expect(markBox!.y + markBox!.height).toBeLessThanOrEqual(box!.y + box!.height + 1);
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');
    expect(await page.$$eval('.conv-list li', (els) => els.length)).toBeGreaterThan(1);

    const hist = await history(session);
    const [md] = await Promise.all([page.waitForEvent('download'), button('Export Markdown').click()]);
    expect(md.suggestedFilename()).toBe('Bird-story.md');
    const text = readFileSync((await md.path())!, 'utf8');
    expect(text).toContain('# Bird story');
    expect(text).toContain(hist.messages[0].content);
    expect(text).toContain(hist.messages[1].content);
    const [json] = await Promise.all([page.waitForEvent('download'), button('Export JSON').click()]);
    expect(JSON.parse(readFileSync((await json.path())!, 'utf8')).messages).toEqual(hist.messages);
    await screenshot(page, '32-chat-conversations');
    await noSeriousA11y('chat with actions');
  });

  it('Markdown: highlighted code with a language label and Copy code, tables, blockquotes, KaTeX', async () => {
    const answer = [
      'Here:',
      '```js',
      'const answer = 42; // the answer',
      'function f(x) { return "s" + x; }',
      '```',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      '> quoted',
      '',
      'Inline $x^2 + y^2$ and $5 and $6 stay text.',
      '',
      '$$\\frac{1}{2}$$',
    ].join('\n');
    await page.route('**/chat/history/**', (route) =>
      route.fulfill({
        json: {
          user_id: p.userId,
          session_id: 'md',
          messages: [
            { role: 'user', content: 'show me' },
            { role: 'assistant', content: answer, ai_source: 'local', ai_model: 'm' },
            { role: 'user', content: 'and stop' },
            { role: 'assistant', content: '', status: 'stopped', ai_source: 'local', ai_model: 'm' },
          ],
        },
      }),
    );
    await page.reload();
    await page.waitForSelector('.code-block .hljs-keyword');
    expect(await page.textContent('.code-block .code-lang')).toBe('js');
    expect(await page.$$eval('.code-block code span[class^="hljs-"]', (els) => els.length)).toBeGreaterThan(3);
    await button('Copy code').click();
    expect(await clipboard()).toBe('const answer = 42; // the answer\nfunction f(x) { return "s" + x; }\n');
    expect(await page.$$eval('.bubble-body table th', (els) => els.map((e) => e.textContent))).toEqual(['a', 'b']);
    expect(await page.textContent('.bubble-body blockquote')).toContain('quoted');
    await page.waitForSelector('.math .katex');
    expect(await page.$$eval('.math', (els) => els.length)).toBe(2);
    expect(await page.textContent('.bubble.assistant .bubble-body')).toContain('$5 and $6 stay text');
    // An answer stopped before its first word says so, rather than an empty bubble.
    expect(await last('assistant').locator('.bubble-body').textContent()).toBe('Stopped before any text was written.');
    await screenshot(page, '33-chat-markdown');
    await noSeriousA11y('markdown');
    await page.click('#theme-toggle');
    await noSeriousA11y('markdown (dark)');
    await screenshot(page, '34-chat-markdown-dark');
    await page.click('#theme-toggle');
    await page.unroute('**/chat/history/**');
    await page.reload();
    await page.waitForSelector('.bubble.assistant');
  });

  it('the model picker lists the local model from GET /models', async () => {
    const picker = page.getByRole('combobox', { name: 'Model' });
    await picker.waitFor();
    const options = await picker.locator('option').allTextContents();
    expect(options[0]).toBe('Default model');
    expect(options.some((o) => /^local\//.test(o))).toBe(true);
  });

  it('a system prompt per conversation goes with each message of that conversation only', async () => {
    await page.getByText('System prompt', { exact: true }).click();
    await page.getByRole('textbox', { name: 'System prompt for this conversation' }).fill('Answer briefly.');
    const [req] = await Promise.all([page.waitForRequest('**/chat/stream'), ask('Once upon a time there was a fox')]);
    expect(req.postDataJSON().options).toEqual({ system: 'Answer briefly.' });
    await page.click('#new-chat');
    await page.waitForSelector('.empty-chat');
    expect(await page.getByRole('textbox', { name: 'System prompt for this conversation' }).inputValue()).toBe('');
  });

  it('phone: conversations in a drawer, the composer stays on screen, nothing overflows sideways; axe in light and dark', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const drawer = button('Conversations');
    expect(await drawer.getAttribute('aria-expanded')).toBe('false');
    expect(await page.isVisible('#new-chat')).toBe(false);
    const input = await page.$eval('#chat-input', (el) => el.getBoundingClientRect().bottom);
    expect(input).toBeLessThanOrEqual(844);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await noSeriousA11y('phone chat');
    await screenshot(page, '40-phone-chat');
    // With motion on (the browser here runs with reduced motion), as most people have it: the drawer slides in, and
    // focus moves into it (the page behind it is covered).
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await drawer.click();
    await page.waitForSelector('#new-chat', { state: 'visible' });
    expect(await drawer.getAttribute('aria-expanded')).toBe('true');
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-chat');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await noSeriousA11y('phone drawer');
    await screenshot(page, '41-phone-drawer');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#new-chat', { state: 'hidden' });
    // The drawer covers its toggle: it closes by its own button, and by a tap on the conversation beside it.
    await drawer.click();
    await page.waitForSelector('#new-chat', { state: 'visible' });
    await button('Close conversations').click();
    await page.waitForSelector('#new-chat', { state: 'hidden' });
    expect(await drawer.getAttribute('aria-expanded')).toBe('false');
    await drawer.click();
    await page.waitForSelector('#new-chat', { state: 'visible' });
    await page.mouse.click(370, 420);
    await page.waitForSelector('#new-chat', { state: 'hidden' });
    await page.click('#theme-toggle');
    await noSeriousA11y('phone chat (dark)');
    await screenshot(page, '42-phone-chat-dark');
    await page.click('#theme-toggle');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('Delete removes a conversation after confirming', async () => {
    const before = await page.$$eval('.conv-list li', (els) => els.length);
    page.once('dialog', (d) => void d.accept());
    await button('Delete conversation Bird story').click();
    await page.waitForFunction((n) => document.querySelectorAll('.conv-list li').length === n - 1, before);
    const sessions = await (await p.request(`/chat/sessions/${p.userId}`)).json();
    expect(sessions.some((s: { title?: string }) => s.title === 'Bird story')).toBe(false);
    expect(b.problems.filter((m) => /Content Security Policy|pageerror/i.test(m))).toEqual([]);
  });

  it('API: rename and branch routes validate their input and answer 404 for what does not exist', async () => {
    const session = (await (await p.request(`/chat/sessions/${p.userId}`)).json())[0].session_id;
    const call = (method: string, path: string, json: unknown) => p.request(`/chat/sessions/${p.userId}/${path}`, { method, json });
    expect((await call('PATCH', session, { title: ' \u200b ' })).status).toBe(400);
    expect((await call('PATCH', session, { title: 'x'.repeat(201) })).status).toBe(400);
    expect((await call('PATCH', session, {})).status).toBe(400);
    expect((await call('PATCH', 'no-such-session', { title: 'x' })).status).toBe(404);
    expect((await call('POST', `${session}/fork`, { index: -1 })).status).toBe(400);
    expect((await call('POST', `${session}/fork`, { index: 0, kind: 'other' })).status).toBe(400);
    expect((await call('POST', `${session}/fork`, { index: 9999 })).status).toBe(404);
    // Alternatives start at a question: an answer's position is refused, naming what to do.
    const atAnswer = await call('POST', `${session}/fork`, { index: 1 });
    expect([atAnswer.status, (await atAnswer.json()).message]).toEqual([400, expect.stringMatching(/^index must point at a question/)]);
    expect((await call('PUT', `${session}/branches`, { index: 0, variant: 1.5 })).status).toBe(400);
    expect((await call('PUT', `${session}/branches`, { index: 0, variant: 7 })).status).toBe(404);
  });

  it('admin screen: users (disable, enable), registration setting, models; axe light and dark', async () => {
    await button('Sign out').click();
    await page.fill('#auth-username', p.admin!.id);
    await page.fill('#auth-password', p.admin!.password);
    await button('Sign in').click();
    await page.waitForSelector('#chat-input');
    await page.click('#tab-admin');
    await button(`Disable ${p.user!.id}`).waitFor();
    page.once('dialog', (d) => void d.accept());
    await button(`Disable ${p.user!.id}`).click();
    await button(`Enable ${p.user!.id}`).waitFor();
    expect((await p.request('/chat/sessions/' + p.userId)).status).toBe(401); // the tester's token stopped working
    await button(`Enable ${p.user!.id}`).click();
    await button(`Disable ${p.user!.id}`).waitFor();
    const reg = page.getByRole('checkbox', { name: /Registration open/ });
    await expect(reg.isEnabled()).resolves.toBe(true);
    const before = await reg.isChecked();
    await reg.click();
    await page.waitForFunction(
      async (want) =>
        (
          await (
            await fetch('/auth/settings', {
              headers: { authorization: `Bearer ${JSON.parse(localStorage.getItem('nitro.tokens')!).access}` },
            })
          ).json()
        ).registration_open === want,
      !before,
    );
    await reg.click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    await noSeriousA11y('admin');
    await screenshot(page, '50-admin');
    await page.click('#theme-toggle');
    await noSeriousA11y('admin (dark)');
    await screenshot(page, '51-admin-dark');
    await page.click('#theme-toggle');
  });

  it('account screen: an API key is shown once, listed, and revoked; the password changes', async () => {
    await page.click('#tab-account');
    await page.getByRole('textbox', { name: 'Key name' }).fill('ci key');
    await button('Create key').click();
    const key = await page.getByRole('textbox', { name: 'New API key' }).inputValue();
    expect(key).toMatch(/^nitro_/);
    expect((await fetch(`${p.baseUrl}/auth/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    await button('Revoke key ci key').waitFor();
    await noSeriousA11y('account');
    await screenshot(page, '52-account');
    page.once('dialog', (d) => void d.accept());
    await button('Revoke key ci key').click();
    await page.getByText('No API keys yet.').waitFor();
    expect((await fetch(`${p.baseUrl}/auth/me`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    await page.setViewportSize({ width: 390, height: 844 });
    await noSeriousA11y('account (phone)');
    await screenshot(page, '53-phone-account');
    await page.click('#tab-admin');
    await button(`Disable ${p.user!.id}`).waitFor();
    await noSeriousA11y('admin (phone)');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await screenshot(page, '54-phone-admin');
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.click('#tab-account');

    await page.getByLabel('Current password').fill(p.admin!.password);
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('New password again').fill('a brand new passphrase');
    await button('Change password').click();
    await page.waitForSelector('#auth-username');
    await page.fill('#auth-username', p.admin!.id);
    await page.fill('#auth-password', 'a brand new passphrase');
    await button('Sign in').click();
    await page.waitForSelector('#tab-account[aria-selected="true"]');
    expect(await page.textContent('#whoami')).toBe(p.admin!.id);
    expect(b.problems.filter((m) => /Content Security Policy|pageerror/i.test(m))).toEqual([]);
  });
});
