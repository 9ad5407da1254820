import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expectNoSeriousA11y, launchBrowser, screenshot, type TestBrowser } from '../support/browser';
import { Platform, startPlatform } from '../support/platform';

/**
 * Attachments in the chat composer, in Chromium against gateway + ai-router (local model): Attach file, a chip
 * per file with Remove, a refusal said beside the composer, the file shown on the question after the send and
 * after a reload; axe stays at 0 serious or critical violations, light and phone. What reaches the model is
 * checked in chat-attachments.int-spec.ts.
 */
jest.setTimeout(120_000);

describe('PWA: chat attachments in Chromium', () => {
  let p: Platform;
  let b: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [p, b] = await Promise.all([
      startPlatform({ services: ['ai-router'], appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } } }),
      launchBrowser(),
    ]);
    page = b.page;
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await p?.stop();
  });

  const noSeriousA11y = (name: string) => expectNoSeriousA11y(page, name);
  const attach = async (name: string, mimeType: string, buffer: Buffer) => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach file' }).click()]);
    await chooser.setFiles({ name, mimeType, buffer });
  };
  const composerChips = () => page.$$eval('.composer .chip', (els) => els.map((e) => e.textContent!.trim()));

  it('Attach file shows a chip with a Remove button; a refused file is said beside the composer', async () => {
    await page.goto(`${p.baseUrl}/`);
    await page.fill('#auth-username', p.user!.id);
    await page.fill('#auth-password', p.user!.password);
    await page.click('#auth-login');
    await page.waitForSelector('#chat-input');
    await attach('notes.txt', 'text/plain', Buffer.from('Once upon a time there was a little dog.\n'));
    await page.waitForSelector('.composer .chip');
    expect(await composerChips()).toEqual(['notes.txt']);
    expect(await page.getAttribute('.composer .chip', 'title')).toBe('41 characters');

    await attach('extra.md', 'text/markdown', Buffer.from('# Extra'));
    await page.waitForFunction(() => document.querySelectorAll('.composer .chip').length === 2);
    await page.getByRole('button', { name: 'Remove extra.md' }).click();
    expect(await composerChips()).toEqual(['notes.txt']);

    // An executable named like text: the server's 415 (the detected type) shows next to the composer; the chip stays.
    await attach('tool.txt', 'text/plain', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 1)]));
    const alert = page.locator('.composer .attachments [role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^"tool\.txt" is .*\(elf\).*attach a text file/);
    expect(await composerChips()).toEqual(['notes.txt']);
    await screenshot(page, 'attachments-01-composer');
    await noSeriousA11y('composer with an attachment and an error');
  });

  it('the message goes with its file: the composer empties, the question shows the file, also after a reload', async () => {
    await page.fill('#chat-input', 'What is in the file?');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.bubble.assistant.streaming');
    await page.waitForSelector('.bubble.streaming', { state: 'detached', timeout: 60_000 });
    await page.waitForSelector('.bubble.user .chip');
    expect(await composerChips()).toEqual([]);
    expect((await page.textContent('.bubble.user .chips'))!.trim()).toBe('notes.txt');
    await page.reload();
    await page.waitForSelector('.bubble.user .chip');
    expect((await page.textContent('.bubble.user .bubble-body'))!.trim()).toBe('What is in the file?');
    expect((await page.textContent('.bubble.user .chips'))!.trim()).toBe('notes.txt');
    await noSeriousA11y('question with a file');
    const [md] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Markdown' }).click()]);
    expect(readFileSync((await md.path())!, 'utf8')).toMatch(/## You · \S+\n\nAttached: notes\.txt\n\nWhat is in the file\?/);
    await page.setViewportSize({ width: 390, height: 844 });
    await attach('notes.txt', 'text/plain', Buffer.from('again'));
    await page.waitForSelector('.composer .chip');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'attachments-02-phone');
    await noSeriousA11y('phone composer with an attachment');
  });
});
