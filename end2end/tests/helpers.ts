import { expect, Page } from '@playwright/test';

/** Waits until the app is interactive: clicks before hydration do nothing. */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForSelector('body[data-hydrated="true"]');
}

/** Opens a board page and waits for its live connection. */
export async function openBoard(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await hydrated(page);
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
}

export function sticky(page: Page, text: string) {
  return page.locator('.sticky', { hasText: text });
}

/** Creates a board from the home page and returns its URL. */
export async function createBoard(page: Page, base: string, title: string): Promise<string> {
  await page.goto(base);
  await hydrated(page);
  await page.fill('input[name="title"]', title);
  await page.click('button:has-text("Create board")');
  await page.waitForURL(/\/b\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
  return page.url();
}
