import { test, expect } from './server';
import { createBoard, hydrated, openBoard, sticky } from './helpers';

test('two browsers edit one board live, and it survives a server restart', async ({ browser, server }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();

  const url = await createBoard(alice, server.url, 'Conference ticketing');
  await openBoard(bob, url);
  await expect(bob.locator('.board-name')).toHaveText('Conference ticketing');

  // Alice places a domain event on the timeline: pick the kind, click the wall, type.
  await alice.click('.palette-item[data-kind="domain_event"]');
  await alice.locator('.wall').click({ position: { x: 320, y: 420 } });
  const editor = alice.locator('.sticky-editor');
  await expect(editor).toBeFocused();
  await editor.fill('Order Placed');
  await editor.press('Enter');
  await expect(sticky(alice, 'Order Placed')).toHaveAttribute('data-kind', 'domain_event');

  // It appears in Bob's browser.
  await expect(sticky(bob, 'Order Placed')).toBeVisible();

  // Bob edits it; Alice sees the edit.
  await sticky(bob, 'Order Placed').dblclick();
  await bob.locator('.sticky-editor').fill('Order placed by the attendee');
  await bob.locator('.sticky-editor').press('Enter');
  await expect(sticky(alice, 'Order placed by the attendee')).toBeVisible();

  // The server dies without warning and comes back; the open page reconnects by itself.
  await server.restart();
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  await expect(sticky(alice, 'Order placed by the attendee')).toBeVisible();

  // A reload shows what was stored.
  await bob.reload();
  await hydrated(bob);
  await expect(bob.locator('.status')).toHaveAttribute('data-status', 'live');
  await expect(sticky(bob, 'Order placed by the attendee')).toBeVisible();
  await expect(bob.locator('.sticky')).toHaveCount(1);

  // Alice's page, which resumed from its last event rather than reloading, stays live.
  await bob.click('.palette-item[data-kind="command"]');
  await bob.locator('.wall').click({ position: { x: 700, y: 420 } });
  await bob.locator('.sticky-editor').fill('Place Order');
  await bob.locator('.sticky-editor').press('Enter');
  await expect(sticky(alice, 'Place Order')).toBeVisible();
});

test('drag from the palette, drag to move, Delete to remove: all live in the other browser', async ({ browser, server }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const url = await createBoard(alice, server.url, 'Payments');
  await openBoard(bob, url);

  // Drag a command from the palette onto the wall.
  await alice.locator('.palette-item[data-kind="command"]').dragTo(alice.locator('.wall'), {
    targetPosition: { x: 500, y: 300 },
  });
  const editor = alice.locator('.sticky-editor');
  await expect(editor).toBeFocused();
  await editor.fill('Pay Order');
  await editor.press('Enter');
  await expect(sticky(bob, 'Pay Order')).toHaveAttribute('data-kind', 'command');

  // Drag it 200px to the right; Bob sees it move by the same amount.
  const before = await sticky(bob, 'Pay Order').boundingBox();
  const box = (await sticky(alice, 'Pay Order').boundingBox())!;
  await alice.mouse.move(box.x + 40, box.y + 60);
  await alice.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await alice.mouse.move(box.x + 40 + i * 20, box.y + 60);
  }
  await alice.mouse.up();
  await expect
    .poll(async () => Math.round((await sticky(bob, 'Pay Order').boundingBox())!.x - before!.x))
    .toBe(200);

  // Select and press Delete: gone in both browsers.
  await sticky(alice, 'Pay Order').click();
  await alice.keyboard.press('Delete');
  await expect(sticky(bob, 'Pay Order')).toHaveCount(0);
  await expect(sticky(alice, 'Pay Order')).toHaveCount(0);
});

test('long text stays inside its sticky and an empty edit is refused with a reason', async ({ page, server }) => {
  const url = await createBoard(page, server.url, 'Hotspots');
  await page.click('.palette-item[data-kind="hotspot"]');
  await page.locator('.wall').click({ position: { x: 400, y: 250 } });
  const long = 'What happens when two attendees reserve the last seat at exactly the same moment? '.repeat(6);
  await page.locator('.sticky-editor').fill(long.trim());
  await page.locator('.sticky-editor').press('Enter');
  const note = page.locator('.sticky.kind-hotspot');
  await expect(note).toHaveClass(/text-xs/);
  const text = note.locator('.sticky-text');
  const [outer, inner] = await Promise.all([note.boundingBox(), text.boundingBox()]);
  expect(inner!.width).toBeLessThanOrEqual(outer!.width);

  await note.dblclick();
  await page.locator('.sticky-editor').fill('   ');
  await page.locator('.sticky-editor').press('Enter');
  await expect(page.locator('.notice')).toContainText('needs some text');
  await expect(note).toContainText('last seat');
  expect(url).toContain('/b/');
});

// Boards are private: the server renders nothing of a board (it never sees the key, which rides
// in the fragment), so an unknown board and a wrong key look alike, and neither is a 404.
test('a board without its link, or with a wrong one, shows nothing of the board', async ({ page, server }) => {
  const url = await createBoard(page, server.url, 'Secret plans');
  const id = url.split('/b/')[1].split('#')[0];
  const html = await (await fetch(`${server.url}/b/${id}`)).text();
  expect(html).toContain('Opening board');
  expect(html).not.toContain('Secret plans');

  const stranger = await (await page.context().browser()!.newContext()).newPage();
  await stranger.goto(`${server.url}/b/${id}`);
  await hydrated(stranger);
  await expect(stranger.locator('h1')).toHaveText('This board needs its link');
  await expect(stranger.locator('.sticky, .board-name')).toHaveCount(0);

  await stranger.goto(`${server.url}/b/00000000-0000-4000-8000-000000000000#k=made-up`);
  await hydrated(stranger);
  await expect(stranger.locator('.board-closed-message')).toContainText('This link does not open a board');
  await stranger.goto(`${server.url}/b/${id}#k=made-up`);
  await hydrated(stranger);
  await expect(stranger.locator('.board-closed-message')).toContainText('This link does not open a board');
  await expect(stranger.locator('a:has-text("Go to your boards")')).toHaveAttribute('href', '/');
});
