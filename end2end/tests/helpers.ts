import { APIRequestContext, expect, Page } from '@playwright/test';

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

/**
 * Creates a board from the home page and returns its facilitator link (`…/b/ID#k=KEY`). The page
 * drops the fragment from its address once the board is open, so the key is read from the
 * browser's list of boards.
 */
export async function createBoard(page: Page, base: string, title: string): Promise<string> {
  await page.goto(base);
  await hydrated(page);
  await page.fill('input[name="title"]', title);
  await page.click('button:has-text("Create board")');
  await page.waitForURL(/\/b\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
  const id = boardId(page.url());
  return `${base}/b/${id}#k=${await storedKey(page, id)}`;
}

/** The board id in a board page's address. */
export function boardId(url: string): string {
  return url.split('/b/')[1].split('#')[0];
}

/** The key this browser keeps for a board (from `localStorage["stormwall.boards"]`). */
export async function storedKey(page: Page, id: string): Promise<string> {
  const key = await page.evaluate((id) => {
    const boards = JSON.parse(localStorage.getItem('stormwall.boards') ?? '[]');
    return boards.find((b: { id: string }) => b.id === id)?.key as string | undefined;
  }, id);
  expect(key, `a key for board ${id} in this browser`).toBeTruthy();
  return key!;
}

/** Headers for the HTTP API on a board this page has open. */
export async function authorization(page: Page, id: string): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await storedKey(page, id)}` };
}

export type Role = 'facilitator' | 'edit' | 'view';

/** A board's links as its share dialog shows them (full addresses), read on the page. */
export async function shareLinks(page: Page): Promise<Record<Role, string | undefined>> {
  await page.click('.share-toggle');
  const dialog = page.locator('.share-dialog');
  await expect(dialog.locator('.share-link').first()).toBeVisible();
  const links: Record<Role, string | undefined> = { facilitator: undefined, edit: undefined, view: undefined };
  for (const role of ['facilitator', 'edit', 'view'] as Role[]) {
    const input = dialog.locator(`.share-link[data-role="${role}"]`);
    if (await input.count()) links[role] = await input.inputValue();
  }
  await dialog.locator('.notice-close').click();
  return links;
}

/** A new board made over the HTTP API, with the address of each of its links. */
export async function createBoardByApi(request: APIRequestContext, base: string, title: string): Promise<{ id: string } & Record<Role, string>> {
  const resp = await request.post(`${base}/api/boards`, { data: { title } });
  expect(resp.status()).toBe(201);
  const { id, links } = (await resp.json()) as { id: string; links: { role: Role; key: string }[] };
  const link = (role: Role) => `${base}/b/${id}#k=${links.find((l) => l.role === role)!.key}`;
  return { id, facilitator: link('facilitator'), edit: link('edit'), view: link('view') };
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
