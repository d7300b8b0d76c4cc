import { Browser, Page, WebSocketRoute } from '@playwright/test';
import { test, expect } from './server';
import { createBoard, openBoard, placeSticky, sticky } from './helpers';

/** Puts a page's board sockets behind a switch: "offline" cuts them and refuses new ones. */
async function networkSwitch(page: Page) {
  let offline = false;
  const open: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/ws\/boards\//, (ws) => {
    if (offline) {
      ws.close({ code: 4000, reason: 'offline' });
      return;
    }
    ws.connectToServer();
    open.push(ws);
  });
  return {
    async goOffline() {
      offline = true;
      for (const ws of open.splice(0)) await ws.close({ code: 4000, reason: 'offline' });
    },
    goOnline() {
      offline = false;
    },
  };
}

async function texts(page: Page): Promise<string[]> {
  return (await page.locator('.sticky .sticky-text').allInnerTexts()).map((t) => t.trim()).sort();
}

/**
 * Alice (behind a network switch) and Bob on a new board with one sticky of Alice's that both
 * see and the server has confirmed; then Alice goes offline.
 */
async function aliceGoesOffline(browser: Browser, base: string, title: string, kind: string, text: string) {
  const context = await browser.newContext();
  const alice = await context.newPage();
  const bob = await (await browser.newContext()).newPage();
  const net = await networkSwitch(alice);
  const url = await createBoard(alice, base, title);
  await openBoard(bob, url);
  await placeSticky(alice, kind, 300, 420, text);
  await expect(sticky(bob, text)).toBeVisible();
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '0');
  await net.goOffline();
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'reconnecting');
  return { context, alice, bob, net, url };
}

/** Opens a sticky's editor and saves a new text. */
async function editText(page: Page, from: string, to: string) {
  await sticky(page, from).dblclick();
  await page.locator('.sticky-editor').fill(to);
  await page.locator('.sticky-editor').press('Enter');
}

test('a browser that goes offline keeps editing, and both browsers converge when it is back', async ({ browser, server }) => {
  const { alice, bob, net, url } = await aliceGoesOffline(browser, server.url, 'Flaky Wi-Fi', 'domain_event', 'Ticket Reserved');

  // Offline, the wall keeps working: a new sticky and an edit show at once, and wait.
  await placeSticky(alice, 'command', 700, 420, 'Reserve Ticket');
  await editText(alice, 'Ticket Reserved', 'Ticket Reserved For Attendee');
  await expect(sticky(alice, 'Ticket Reserved For Attendee')).toBeVisible();
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '3'); // the new sticky, its text, the edit
  await expect(alice.locator('.status')).toContainText('3 changes waiting');

  // Meanwhile Bob works on; nothing of Alice's offline work reaches him yet.
  await placeSticky(bob, 'policy', 300, 700, 'Whenever Reserved Then Invoice');
  await expect(sticky(bob, 'Reserve Ticket')).toHaveCount(0);

  // Back online: Alice resumes, gets Bob's sticky, sends her queue; both walls agree.
  net.goOnline();
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '0');
  await expect(alice.locator('.status')).toContainText('saved');
  await expect(sticky(bob, 'Reserve Ticket')).toBeVisible();
  await expect(sticky(bob, 'Ticket Reserved For Attendee')).toBeVisible();
  await expect(sticky(alice, 'Whenever Reserved Then Invoice')).toBeVisible();
  const expected = ['Reserve Ticket', 'Ticket Reserved For Attendee', 'Whenever Reserved Then Invoice'];
  expect(await texts(alice)).toEqual(expected);
  expect(await texts(bob)).toEqual(expected);

  // And the server stored each change once: a fresh page shows the same wall.
  const carol = await (await browser.newContext()).newPage();
  await openBoard(carol, url);
  await expect(carol.locator('.sticky')).toHaveCount(3);
  expect(await texts(carol)).toEqual(expected);
});

test('a change the server refuses is rolled back with its reason', async ({ browser, server }) => {
  // Alice, offline, edits the hotspot; Bob deletes it meanwhile.
  const { alice, bob, net } = await aliceGoesOffline(browser, server.url, 'Rollback', 'hotspot', 'Who pays refunds?');
  await editText(alice, 'Who pays refunds?', 'Finance pays refunds');
  await expect(sticky(alice, 'Finance pays refunds')).toBeVisible();
  await sticky(bob, 'Who pays refunds?').click();
  await bob.keyboard.press('Delete');
  await expect(bob.locator('.sticky')).toHaveCount(0);

  // Back online, Alice's edit is refused by the server: it disappears, and she is told why.
  net.goOnline();
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  await expect(alice.locator('.sticky')).toHaveCount(0);
  await expect(alice.locator('.notice')).toContainText('Your change was undone');
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '0');
});

test('changes made offline survive closing the tab and are sent on the next visit', async ({ browser, server }) => {
  const { context, alice, bob, url } = await aliceGoesOffline(browser, server.url, 'Closed laptop', 'aggregate', 'Order');
  await editText(alice, 'Order', 'Purchase Order');
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '1');
  // Closing with an unsaved change: the browser asks first. She leaves anyway.
  const dialog = alice.waitForEvent('dialog');
  await alice.close({ runBeforeUnload: true });
  const asked = await dialog;
  expect(asked.type()).toBe('beforeunload');
  await asked.accept();
  await expect.poll(() => alice.isClosed()).toBe(true);
  await expect(sticky(bob, 'Purchase Order')).toHaveCount(0);

  // Later, online again, the board is opened in the same browser: the waiting edit goes out.
  const again = await context.newPage();
  await openBoard(again, url);
  await expect(sticky(bob, 'Purchase Order')).toBeVisible();
  await expect(again.locator('.status')).toHaveAttribute('data-unsaved', '0');
  await expect(sticky(again, 'Purchase Order')).toBeVisible();
});

async function rename(page: Page, name: string) {
  await page.fill('.name-input', name);
  await page.press('.name-input', 'Tab');
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
}

test('presence shows who is here, their pointers and what they edit, and forgets who left', async ({ browser, server }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const url = await createBoard(alice, server.url, 'Presence');
  await rename(alice, 'Alice Adams');
  await openBoard(bob, url);
  await rename(bob, 'Bob');
  await placeSticky(alice, 'domain_event', 300, 420, 'Seat Allocated');

  // Both see both, each marked once as themselves.
  for (const page of [alice, bob]) {
    await expect(page.locator('.people .person')).toHaveCount(2);
    await expect(page.locator('.people .person[title="Alice Adams"]')).toBeVisible();
    await expect(page.locator('.people .person[title="Bob"]')).toBeVisible();
    await expect(page.locator('.people .person.me')).toHaveCount(1);
  }
  await expect(alice.locator('.people .person.me')).toHaveAttribute('title', 'Alice Adams');
  await expect(alice.locator('.person[title="Alice Adams"]')).toHaveText(/^AA/);

  // Alice's pointer shows on Bob's wall (not on her own).
  const wall = await alice.locator('.wall').boundingBox();
  await alice.mouse.move(wall!.x + 600, wall!.y + 300);
  await alice.mouse.move(wall!.x + 640, wall!.y + 320);
  await expect(bob.locator('.cursor[data-name="Alice Adams"]')).toBeVisible();
  await expect(alice.locator('.cursor')).toHaveCount(0);

  // Alice opens the sticky's editor: Bob sees that she is editing it.
  await sticky(alice, 'Seat Allocated').dblclick();
  await expect(sticky(bob, 'Seat Allocated').locator('.sticky-editor-tag')).toHaveText('Alice Adams is editing');
  await alice.locator('.sticky-editor').press('Escape');
  await expect(sticky(bob, 'Seat Allocated').locator('.sticky-editor-tag')).toHaveCount(0);

  // Alice closes her tab: she is gone from Bob's board.
  await alice.close();
  await expect(bob.locator('.people .person')).toHaveCount(1);
  await expect(bob.locator('.cursor')).toHaveCount(0);
});
