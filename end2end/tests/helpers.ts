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

/** Places a sticky of a kind at a point of the wall and types its text. */
export async function placeSticky(page: Page, kind: string, x: number, y: number, text: string): Promise<void> {
  await page.click(`.palette-item[data-kind="${kind}"]`);
  await page.locator('.wall').click({ position: { x, y } });
  const editor = page.locator('.sticky-editor');
  await expect(editor).toBeFocused();
  await editor.fill(text);
  await editor.press('Enter');
  await expect(sticky(page, text)).toBeVisible();
}
