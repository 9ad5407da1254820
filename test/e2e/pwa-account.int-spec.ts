import type { Page } from 'playwright-core';
import { browserSuite, expectNoSeriousA11y, screenshot } from '../support/browser';
import type { Platform } from '../support/platform';

/**
 * The Account screen's Change password in Chromium against the platform as processes (gateway,
 * ai-router on the local model): a wrong current password is a mistake in a field, not a lost
 * session (issue 18: it used to answer 401, which the PWA took for an expired session and signed out).
 */
jest.setTimeout(120_000);

describe('PWA account screen: change password', () => {
  const suite = browserSuite();
  let p: Platform;
  let page: Page;
  beforeAll(() => ({ p, page } = suite));

  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const tokens = () => page.evaluate(() => localStorage.getItem('nitro.tokens'));

  it('a wrong current password: "Current password is wrong" beside the field, and the person stays signed in', async () => {
    const user = await p.createUser('pw-changer', 'the first passphrase');
    await page.goto(`${p.baseUrl}/`);
    await page.fill('#auth-username', user.id);
    await page.fill('#auth-password', 'the first passphrase');
    await button('Sign in').click();
    await page.click('#tab-account');
    await page.waitForSelector('#tab-account[aria-selected="true"]');
    const before = await tokens();
    let refreshes = 0;
    page.on('request', (r) => void (r.url().endsWith('/auth/refresh') && refreshes++));

    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    // Two new passwords that differ: said beside the second, with every field kept as typed.
    await page.getByLabel('New password again').fill('a brand new passphrasE');
    await button('Change password').click();
    const again = page.getByLabel('New password again');
    await page.locator('.field', { has: again }).getByText('The new passwords do not match.', { exact: true }).waitFor();
    expect(await again.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Current password').inputValue()).toBe('not my password at all');
    expect(await page.getByLabel('New password', { exact: true }).inputValue()).toBe('a brand new passphrase');
    await again.fill('a brand new passphrase');
    await button('Change password').click();

    // Beside the field (in its .field, in its description), the field marked invalid.
    const current = page.getByLabel('Current password');
    const currentField = page.locator('.field', { has: current });
    await currentField.getByText('Current password is wrong', { exact: true }).waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await current.getAttribute('aria-describedby'))!.split(' ');
    const described = await Promise.all(describedBy.map((id) => page.textContent(`#${id}`)));
    expect(described).toContain('Current password is wrong');
    expect(await page.textContent('.form-status')).toBe('');

    // Still signed in: the Account tab, no sign-in form, the same tokens (no refresh, no sign-out), and the API works.
    expect(await page.isVisible('#tab-account[aria-selected="true"]')).toBe(true);
    expect(await page.isVisible('#auth-username')).toBe(false);
    expect(refreshes).toBe(0);
    expect(await tokens()).toBe(before);
    await page.getByRole('textbox', { name: 'Key name' }).fill('after a wrong password');
    await button('Create key').click();
    await button('Revoke key after a wrong password').waitFor();
    expect(await page.getByRole('textbox', { name: 'New API key' }).inputValue()).toMatch(/^nitro_/);
    await expectNoSeriousA11y(page, 'account (wrong current password)');
    await screenshot(page, '60-account-wrong-current-password');

    // A key name of spaces is refused by the form (said, not silently ignored); revoking the key just made takes its
    // "copy it now" box away (the key no longer works).
    const keyName = page.getByRole('textbox', { name: 'Key name' });
    await keyName.fill('   ');
    await button('Create key').click();
    expect(await keyName.evaluate((el: HTMLInputElement) => el.validationMessage)).toBe('Give the key a name.');
    await keyName.fill('');
    page.once('dialog', (d) => void d.accept());
    await button('Revoke key after a wrong password').click();
    await page.getByRole('textbox', { name: 'New API key' }).waitFor({ state: 'detached' });

    // Editing the field clears the message; a new password equal to the current one is refused beside its field.
    await current.fill(user.password);
    expect(await current.getAttribute('aria-invalid')).toBeNull();
    expect(await currentField.getByText('Current password is wrong').count()).toBe(0);
    await page.getByLabel('New password', { exact: true }).fill(user.password);
    await page.getByLabel('New password again').fill(user.password);
    await button('Change password').click();
    const fresh = page.locator('.field', { has: page.getByLabel('New password', { exact: true }) });
    await fresh.getByText(/must differ from the current password/).waitFor();
    // The right change then goes through (and, as documented, signs out).
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('New password again').fill('a brand new passphrase');
    await button('Change password').click();
    await page.waitForSelector('#auth-username');
    await page.fill('#auth-username', user.id);
    await page.fill('#auth-password', 'a brand new passphrase');
    await button('Sign in').click();
    await page.waitForSelector('#whoami');
    expect(await page.textContent('#whoami')).toBe(user.id);
    expect(suite.b.problems.filter((m) => /Content Security Policy|pageerror/i.test(m))).toEqual([]);
  });
});
