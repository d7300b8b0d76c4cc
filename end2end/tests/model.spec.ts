// The whole board: undo per user, frames and arrows, history and restore, with two browsers.
import { Page } from '@playwright/test';
import { test, expect } from './server';
import { createBoard, openBoard, placeSticky, sticky } from './helpers';

async function twoUsers(browser: import('@playwright/test').Browser, base: string, title: string): Promise<[Page, Page]> {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const url = await createBoard(alice, base, title);
  await openBoard(bob, url);
  return [alice, bob];
}

test('each user undoes and redoes their own changes without touching the other’s', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Undo');
  await placeSticky(alice, 'domain_event', 300, 420, 'Order Placed');
  await placeSticky(bob, 'command', 600, 420, 'Pay Order');
  await expect(sticky(alice, 'Pay Order')).toBeVisible();
  await expect(sticky(bob, 'Order Placed')).toBeVisible();

  // Alice's first undo takes back her text, the second her sticky; Bob's stays.
  await alice.keyboard.press('Control+z');
  await expect(sticky(bob, 'Something happened')).toBeVisible();
  await alice.keyboard.press('Control+z');
  await expect(bob.locator('.sticky[data-kind="domain_event"]')).toHaveCount(0);
  await expect(sticky(bob, 'Pay Order')).toBeVisible();
  await expect(sticky(alice, 'Pay Order')).toBeVisible();

  // Bob undoes his own edit only.
  await bob.keyboard.press('Control+z');
  await expect(sticky(alice, 'Do something')).toBeVisible();
  await expect(alice.locator('.sticky')).toHaveCount(1);

  // Alice redoes: her sticky comes back, in both browsers.
  await alice.keyboard.press('Control+Shift+z');
  await expect(sticky(bob, 'Something happened')).toBeVisible();
  await expect(bob.locator('.sticky')).toHaveCount(2);
});

test('an undo that someone else has overtaken is refused with a reason', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Conflicts');
  await placeSticky(alice, 'domain_event', 300, 420, 'Seat Reserved');
  // Bob rewrites Alice's sticky; Alice's undo of her text would overwrite his work.
  await sticky(bob, 'Seat Reserved').dblclick();
  await bob.locator('.sticky-editor').fill('Seat held');
  await bob.locator('.sticky-editor').press('Enter');
  await expect(sticky(alice, 'Seat held')).toBeVisible();
  await alice.keyboard.press('Control+z');
  await expect(alice.locator('.notice')).toContainText('can no longer be undone');
  await expect(sticky(bob, 'Seat held')).toBeVisible();
});

test('a bounded context and an arrow drawn in one browser appear in the other', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Contexts');
  await placeSticky(alice, 'command', 200, 420, 'Reserve Seat');
  await placeSticky(alice, 'aggregate', 520, 420, 'Reservation');

  // B draws a bounded context; its name is typed at once.
  await alice.keyboard.press('b');
  await alice.locator('.wall').click({ position: { x: 60, y: 250 } });
  const name = alice.locator('.frame-name-input');
  await expect(name).toBeFocused();
  await name.fill('Ticketing');
  await name.press('Enter');
  await expect(bob.locator('.frame', { hasText: 'Ticketing' })).toBeVisible();

  // K draws an arrow: from the command to the aggregate.
  await alice.keyboard.press('k');
  await sticky(alice, 'Reserve Seat').click();
  await sticky(alice, 'Reservation').click();
  await expect(bob.locator('.connector')).toHaveCount(1);
  await alice.keyboard.press('Escape');

  // The inspector knows the sticky lies in the context and has an arrow out.
  await sticky(bob, 'Reserve Seat').click();
  await expect(bob.locator('.inspector-facts')).toContainText('In bounded context “Ticketing”');
  await expect(bob.locator('.inspector-facts')).toContainText('0 arrow(s) in, 1 out');

  // Deleting the command deletes its arrow in the same step.
  await bob.keyboard.press('Delete');
  await expect(alice.locator('.connector')).toHaveCount(0);
  await expect(sticky(alice, 'Reservation')).toBeVisible();
});

test('fields and a definition set in the inspector reach the other browser', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Fields');
  await placeSticky(alice, 'domain_event', 300, 420, 'Seat Reserved');
  await sticky(alice, 'Seat Reserved').click();
  await alice.locator('.inspector-description').fill('A seat is held for an attendee.');
  await alice.locator('.inspector-fields').fill('reservation_id: Uuid\nconference_id: Uuid');
  await alice.locator('.inspector-kind').focus(); // blur saves
  await expect(sticky(bob, 'Seat Reserved')).toContainText('2 fields');
  await sticky(bob, 'Seat Reserved').click();
  await expect(bob.locator('.inspector-description')).toHaveValue('A seat is held for an attendee.');

  // A bad field is refused with the core's reason.
  await alice.locator('.inspector-fields').fill('seat number: u32');
  await alice.locator('.inspector-kind').focus();
  await expect(alice.locator('.notice')).toContainText('field name "seat number" is not valid');
});

test('history shows an earlier state, and restoring it brings it back in both browsers', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'History');
  await placeSticky(alice, 'domain_event', 300, 420, 'Order Placed'); // seq 2, 3
  await placeSticky(alice, 'command', 600, 420, 'Place Order'); // seq 4, 5
  await sticky(alice, 'Order Placed').click();
  await alice.keyboard.press('Delete'); // seq 6
  await expect(sticky(bob, 'Order Placed')).toHaveCount(0);

  await alice.click('.history-toggle');
  const slider = alice.locator('.history-slider');
  await expect(slider).toHaveAttribute('max', '6');
  await slider.fill('5');
  await expect(sticky(alice, 'Order Placed')).toBeVisible();
  await expect(alice.locator('.history-caption')).toContainText('#5');
  await expect(alice.locator('.history-caption')).toContainText('Place Order');
  // Bob, live, still sees the deletion.
  await expect(sticky(bob, 'Order Placed')).toHaveCount(0);

  await alice.click('.history-restore');
  await expect(sticky(bob, 'Order Placed')).toBeVisible();
  await expect(sticky(alice, 'Order Placed')).toBeVisible();
  await expect(alice.locator('.history-bar')).toHaveCount(0);

  // Restoring appended events: the history now has more of them, the old ones untouched.
  await alice.click('.history-toggle');
  await expect(alice.locator('.history-slider')).toHaveAttribute('max', '7');
});

test('a locked board refuses edits with a clear message', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Locking');
  await alice.click('.lock-toggle');
  await expect(bob.locator('.locked-badge')).toBeVisible();
  await bob.click('.palette-item[data-kind="domain_event"]');
  await bob.locator('.wall').click({ position: { x: 300, y: 300 } });
  await expect(bob.locator('.notice')).toContainText('the board is locked');
  await expect(bob.locator('.sticky')).toHaveCount(0);
  await alice.click('.lock-toggle');
  await expect(bob.locator('.locked-badge')).toHaveCount(0);
});

test('shift-click selects several stickies; they move and are deleted together', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Selection');
  await placeSticky(alice, 'domain_event', 300, 420, 'Seat Reserved');
  await placeSticky(alice, 'domain_event', 520, 420, 'Ticket Issued');
  await placeSticky(alice, 'hotspot', 800, 250, 'Refunds?');
  const before = [
    (await sticky(bob, 'Seat Reserved').boundingBox())!,
    (await sticky(bob, 'Ticket Issued').boundingBox())!,
  ];
  await sticky(alice, 'Seat Reserved').click();
  await sticky(alice, 'Ticket Issued').click({ modifiers: ['Shift'] });
  const box = (await sticky(alice, 'Ticket Issued').boundingBox())!;
  await alice.mouse.move(box.x + 50, box.y + 60);
  await alice.mouse.down();
  for (let i = 1; i <= 8; i++) await alice.mouse.move(box.x + 50, box.y + 60 + i * 15);
  await alice.mouse.up();
  await expect
    .poll(async () => Math.round((await sticky(bob, 'Seat Reserved').boundingBox())!.y - before[0].y))
    .toBe(120);
  await expect
    .poll(async () => Math.round((await sticky(bob, 'Ticket Issued').boundingBox())!.y - before[1].y))
    .toBe(120);

  await alice.keyboard.press('Delete');
  await expect(bob.locator('.sticky')).toHaveCount(1);
  await expect(sticky(bob, 'Refunds?')).toBeVisible();
});

test('a sticky is resized by its corner and its kind changed in the inspector', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Details');
  await placeSticky(alice, 'domain_event', 300, 420, 'Payment Failed');
  await sticky(alice, 'Payment Failed').click();
  const width = (await sticky(bob, 'Payment Failed').boundingBox())!.width;
  const handle = (await alice.locator('.resize-handle').boundingBox())!;
  await alice.mouse.move(handle.x + 5, handle.y + 5);
  await alice.mouse.down();
  for (let i = 1; i <= 5; i++) await alice.mouse.move(handle.x + 5 + i * 16, handle.y + 5 + i * 8);
  await alice.mouse.up();
  await expect
    .poll(async () => Math.round((await sticky(bob, 'Payment Failed').boundingBox())!.width - width))
    .toBe(80);
  await alice.locator('.inspector-kind').selectOption('hotspot');
  await expect(sticky(bob, 'Payment Failed')).toHaveAttribute('data-kind', 'hotspot');
});

test('history plays back to the present at the chosen speed, showing who did what', async ({ browser, server }) => {
  const [alice] = await twoUsers(browser, server.url, 'Playback');
  await alice.fill('.name-input', 'Alice');
  await alice.locator('.name-input').press('Enter');
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'live');
  await placeSticky(alice, 'domain_event', 300, 420, 'Order Placed');
  await placeSticky(alice, 'command', 600, 420, 'Place Order');
  // History reads the stored log: wait until the last edit is acknowledged (stored).
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '0');
  await alice.click('.history-toggle');
  await expect(alice.locator('.history-slider')).toHaveAttribute('max', '5');
  await alice.locator('.history-slider').fill('0');
  await expect(alice.locator('.sticky')).toHaveCount(0);
  await alice.locator('.history-speed').selectOption('30');
  await alice.click('.history-play');
  await expect(alice.locator('.history-slider')).toHaveValue('5');
  await expect(alice.locator('.sticky')).toHaveCount(2);
  await expect(alice.locator('.history-caption')).toContainText('Alice changed');
  await alice.click('.history-close');
  await expect(alice.locator('.history-bar')).toHaveCount(0);
});

test('an arrow gets a label that the other browser shows', async ({ browser, server }) => {
  const [alice, bob] = await twoUsers(browser, server.url, 'Labels');
  await placeSticky(alice, 'command', 200, 420, 'Reserve Seat');
  await placeSticky(alice, 'aggregate', 600, 420, 'Reservation');
  await alice.keyboard.press('k');
  await sticky(alice, 'Reserve Seat').click();
  await sticky(alice, 'Reservation').click();
  await alice.keyboard.press('Escape');
  await expect(alice.locator('.connector')).toHaveCount(1);
  await alice.locator('.connector-hit').dispatchEvent('pointerdown', { button: 0 });
  await alice.locator('.arrow-label').fill('handled by');
  await alice.locator('.arrow-label').press('Enter');
  await expect(bob.locator('.connector-label')).toHaveText('handled by');
});
