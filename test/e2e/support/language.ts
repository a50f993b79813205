import { expect, type Page } from '@playwright/test';

/**
 * Switches the page's language as a user would: the tablet has two big buttons (gloves), the
 * dashboards a language field. Waits until the page speaks it.
 */
export async function setLanguage(page: Page, locale: 'en' | 'de'): Promise<void> {
  const button = page.getByRole('button', { name: locale === 'de' ? 'Deutsch' : 'English', exact: true });
  const field = page.getByRole('combobox', { name: /^(Language|Sprache)$/ });
  // The tablet's buttons load right after its first screen: wait for whichever control the page has.
  const control = button.or(field).first();
  await control.waitFor();
  if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(locale);
  else await control.click();
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
}
