import { readFileSync } from 'node:fs';
import { pngWithExif } from '../../apps/agents/test/fixtures/file-fixtures';
import type { Page } from 'playwright-core';
import { browserSuite, expectNoSeriousA11y, screenshot } from '../support/browser';
import type { Platform } from '../support/platform';

/**
 * Attachments in the chat composer, in Chromium against gateway + ai-router (local model): Attach file, a chip
 * per file with Remove, a refusal said beside the composer, the file shown on the question after the send and
 * after a reload; an image chip with its thumbnail, and the send refused in words for a person (the local model reads
 * no images); axe stays at 0 serious or critical violations, light and phone. What reaches the model is checked in
 * chat-attachments.int-spec.ts and chat-images.int-spec.ts.
 */
jest.setTimeout(120_000);

describe('PWA: chat attachments in Chromium', () => {
  const suite = browserSuite();
  let p: Platform;
  let page: Page;
  beforeAll(() => ({ p, page } = suite));

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

  it('an image gets a chip with a thumbnail; with no model that reads images the send says so and gives the text back', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Remove notes.txt' }).click();
    await attach('photo.png', 'image/png', await pngWithExif());
    await page.waitForSelector('.composer .chip .chip-thumb');
    expect(await composerChips()).toEqual(['Image · photo.png']);
    expect(await page.getAttribute('.composer .chip .chip-thumb', 'src')).toMatch(/^blob:/);
    await page.fill('#chat-input', 'What is in this picture?');
    await page.keyboard.press('Enter');
    const alert = page.locator('.bubble.assistant [role="alert"]').last();
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toContain(
      "None of this server's chat models can read images. Describe it in words, or attach text or a PDF.",
    );
    expect(await alert.isVisible()).toBe(true);
    // Sending the same message again cannot help: no Retry on a refusal of the message itself.
    expect(await alert.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await page.inputValue('#chat-input')).toBe('What is in this picture?');
    expect(await composerChips()).toEqual(['Image · photo.png']);
    await screenshot(page, 'attachments-03-image-refused');
    await noSeriousA11y('image chip and the refusal');
  });
});
