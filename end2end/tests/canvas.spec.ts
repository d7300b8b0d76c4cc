// The wall as an infinite canvas: zoom, pan, fit, the minimap, and editing at any zoom and
// anywhere on the wall (negative board coordinates included), seen right in a second browser.
import { expect, Page } from '@playwright/test';
import { test } from './server';
import { createBoard, openBoard, placeSticky, sticky } from './helpers';

type View = { x: number; y: number; zoom: number };

async function view(page: Page): Promise<View> {
  const [x, y, zoom] = (await page.locator('.wall').getAttribute('data-view'))!.split(',').map(Number);
  return { x, y, zoom };
}

async function zoomIs(page: Page, zoom: number): Promise<void> {
  await expect(page.locator('.zoom-level')).toHaveAttribute('data-zoom', zoom.toFixed(4));
}

/** The wall's top-left corner on the page. */
async function wallOrigin(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.wall').boundingBox())!;
  return { x: box.x, y: box.y };
}

/** The board point under a point of the wall (wall-relative screen pixels). */
async function boardAt(page: Page, sx: number, sy: number): Promise<{ x: number; y: number }> {
  const v = await view(page);
  return { x: v.x + sx / v.zoom, y: v.y + sy / v.zoom };
}

/** A sticky's board rectangle as its element states it. */
async function boardRect(page: Page, text: string) {
  return sticky(page, text).evaluate((el: HTMLElement) => ({
    x: parseFloat(el.style.left),
    y: parseFloat(el.style.top),
    w: parseFloat(el.style.width),
    h: parseFloat(el.style.minHeight),
  }));
}

async function dragBy(page: Page, from: { x: number; y: number }, dx: number, dy: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + dx / 2, from.y + dy / 2, { steps: 3 });
  await page.mouse.move(from.x + dx, from.y + dy, { steps: 3 });
  await page.mouse.up();
}

async function centre(page: Page, selector: string, text?: string) {
  const loc = text ? page.locator(selector, { hasText: text }) : page.locator(selector);
  const b = (await loc.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

test('zoom with keys and Ctrl+wheel, fit the board, pan with Space+drag, and reload keeps the view', async ({ browser, server }) => {
  const page = await (await browser.newContext()).newPage();
  await createBoard(page, server.url, 'Zoom');
  await zoomIs(page, 1);
  await placeSticky(page, 'domain_event', 300, 420, 'Order Placed');
  await page.keyboard.press('Escape');

  await page.keyboard.press('+');
  await zoomIs(page, 1.25);
  await page.keyboard.press('-');
  await page.keyboard.press('-');
  await zoomIs(page, 0.8);
  await page.keyboard.press('0');
  await zoomIs(page, 1);

  // Ctrl+wheel zooms around the pointer: the board point under it stays put.
  const o = await wallOrigin(page);
  await page.mouse.move(o.x + 500, o.y + 300);
  const before = await boardAt(page, 500, 300);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 300);
  await page.keyboard.up('Control');
  await expect.poll(async () => (await view(page)).zoom).toBeLessThan(0.9);
  const after = await boardAt(page, 500, 300);
  expect(Math.abs(after.x - before.x)).toBeLessThan(2);
  expect(Math.abs(after.y - before.y)).toBeLessThan(2);

  // A plain wheel pans.
  const v0 = await view(page);
  await page.mouse.wheel(200, 0);
  await expect.poll(async () => (await view(page)).x).toBeGreaterThan(v0.x + 100);

  // Fit: a sticky far away and the first one are both on screen.
  await page.keyboard.press('0');
  await page.mouse.move(o.x + 400, o.y + 400);
  await page.keyboard.down(' ');
  await dragBy(page, { x: o.x + 900, y: o.y + 600 }, -800, -500);
  await page.keyboard.up(' ');
  await expect.poll(async () => (await view(page)).x).toBeGreaterThan(700);
  await placeSticky(page, 'command', 600, 400, 'Far Away');
  await page.keyboard.press('Escape');
  await page.keyboard.press('1');
  await expect.poll(async () => (await view(page)).zoom).toBeLessThan(1);
  const wall = (await page.locator('.wall').boundingBox())!;
  for (const text of ['Order Placed', 'Far Away']) {
    const b = (await sticky(page, text).boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(wall.x);
    expect(b.x + b.width).toBeLessThanOrEqual(wall.x + wall.width);
  }

  // The view survives a reload.
  const kept = await view(page);
  await page.waitForTimeout(500); // the view is stored a moment after it stops changing
  await openBoard(page, page.url());
  const again = await view(page);
  expect(again.zoom).toBeCloseTo(kept.zoom, 3);
  expect(again.x).toBeCloseTo(kept.x, 1);
  expect(again.y).toBeCloseTo(kept.y, 1);
});

for (const [label, presses] of [
  ['200 %', ['+', '+', '+']],
  ['25 %', ['-', '-', '-', '-', '-']],
] as const) {
  test(`place, drag, resize and connect at ${label}, left of and above the origin; the other browser agrees`, async ({ browser, server }) => {
    const alice = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    const url = await createBoard(alice, server.url, `At ${label}`);
    await openBoard(bob, url);
    // Look at the wall around a point left of and above the origin.
    for (let i = 0; i < 6; i++) await alice.keyboard.press('ArrowLeft');
    for (let i = 0; i < 5; i++) await alice.keyboard.press('ArrowUp');
    for (const key of presses) await alice.keyboard.press(key);
    const zoom = label === '200 %' ? 2 : 0.25;
    await zoomIs(alice, zoom);
    const v = await view(alice);

    // Placed centred on the pointer, at the board point under it.
    await placeSticky(alice, 'domain_event', 120, 150, 'Negative One');
    const at = await boardAt(alice, 120, 150);
    const placed = await boardRect(alice, 'Negative One');
    expect(Math.abs(placed.x + placed.w / 2 - at.x)).toBeLessThanOrEqual(2);
    expect(Math.abs(placed.y + placed.h / 2 - at.y)).toBeLessThanOrEqual(2);
    expect(placed.x).toBeLessThan(0);
    // Bob looks at the board as a whole (fit, at most 100 %).
    await bob.keyboard.press('1');
    await expect.poll(async () => (await boardRect(bob, 'Negative One')).x).toBe(placed.x);
    expect((await boardRect(bob, 'Negative One')).y).toBe(placed.y);

    // Dragged by 80 × 40 screen pixels: 80/zoom × 40/zoom board units.
    await dragBy(alice, await centre(alice, '.sticky', 'Negative One'), 80, 40);
    await expect
      .poll(async () => (await boardRect(bob, 'Negative One')).x)
      .toBe(placed.x + Math.round(80 / zoom));
    expect((await boardRect(bob, 'Negative One')).y).toBe(placed.y + Math.round(40 / zoom));

    // Resized by its corner: 20 board units, as many screen pixels as the zoom makes them.
    await sticky(alice, 'Negative One').click();
    await dragBy(alice, await centre(alice, '.resize-handle'), 10 * zoom * 2, 10 * zoom * 2);
    await expect.poll(async () => (await boardRect(bob, 'Negative One')).w).toBe(placed.w + 20);
    expect((await boardRect(bob, 'Negative One')).h).toBe(placed.h + 20);

    // Connected to a second sticky with the arrow tool.
    const [sx, sy] = zoom === 2 ? [800, 600] : [300, 300];
    await placeSticky(alice, 'command', sx, sy, 'Second One');
    const second = await boardRect(alice, 'Second One');
    await alice.keyboard.press('Escape');
    await alice.keyboard.press('k');
    if (zoom < 0.4) {
      // Zoomed out the stickies are cards on a canvas: press where they are.
      const o = await wallOrigin(alice);
      const a = await boardRect(bob, 'Negative One');
      const b = second;
      await alice.mouse.click(o.x + (a.x + a.w / 2 - v.x) * zoom, o.y + (a.y + a.h / 2 - v.y) * zoom);
      await alice.mouse.click(o.x + (b.x + b.w / 2 - v.x) * zoom, o.y + (b.y + b.h / 2 - v.y) * zoom);
    } else {
      await sticky(alice, 'Negative One').click();
      await sticky(alice, 'Second One').click();
    }
    await bob.keyboard.press('1');
    await expect(bob.locator('.connector')).toHaveCount(1);
  });
}

test('the minimap shows the view, follows it, and moves it when dragged', async ({ browser, server }) => {
  const page = await (await browser.newContext()).newPage();
  await createBoard(page, server.url, 'Map');
  await placeSticky(page, 'domain_event', 200, 420, 'Start');
  await placeSticky(page, 'domain_event', 900, 420, 'End');
  await page.keyboard.press('Escape');
  await page.keyboard.press('m');
  const rect = page.locator('.minimap-viewport');
  await expect(rect).toBeVisible();
  const b0 = (await rect.boundingBox())!;

  // Panning the wall moves the rectangle.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await rect.boundingBox())!.x).toBeGreaterThan(b0.x + 2);

  // Dragging the rectangle pans the wall.
  const v0 = await view(page);
  const b1 = (await rect.boundingBox())!;
  await dragBy(page, { x: b1.x + b1.width / 2, y: b1.y + b1.height / 2 }, -30, 0);
  await expect.poll(async () => (await view(page)).x).toBeLessThan(v0.x - 50);

  // M hides it again.
  await page.keyboard.press('m');
  await expect(page.locator('.minimap')).toHaveCount(0);
});
