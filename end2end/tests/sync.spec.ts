import { test, expect, Page, WebSocketRoute } from '@playwright/test';
import { Server } from './server';
import { createBoard, openBoard, placeSticky, sticky } from './helpers';

let server: Server;

test.beforeEach(async () => {
  server = new Server();
  await server.start();
});

test.afterEach(async () => {
  await server.stop();
});

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

test('a browser that goes offline keeps editing, and both browsers converge when it is back', async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const net = await networkSwitch(alice);
  const url = await createBoard(alice, server.url, 'Flaky Wi-Fi');
  await openBoard(bob, url);
  await placeSticky(alice, 'domain_event', 300, 420, 'Ticket Reserved');
  await expect(sticky(bob, 'Ticket Reserved')).toBeVisible();
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '0');

  await net.goOffline();
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'reconnecting');

  // Offline, the wall keeps working: a new sticky and an edit show at once, and wait.
  await placeSticky(alice, 'command', 700, 420, 'Reserve Ticket');
  await sticky(alice, 'Ticket Reserved').dblclick();
  await alice.locator('.sticky-editor').fill('Ticket Reserved For Attendee');
  await alice.locator('.sticky-editor').press('Enter');
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

test('a change the server refuses is rolled back with its reason', async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const net = await networkSwitch(alice);
  const url = await createBoard(alice, server.url, 'Rollback');
  await openBoard(bob, url);
  await placeSticky(alice, 'hotspot', 300, 420, 'Who pays refunds?');
  await expect(sticky(bob, 'Who pays refunds?')).toBeVisible();
  await expect(alice.locator('.status')).toHaveAttribute('data-unsaved', '0');

  // Alice, offline, edits the hotspot; Bob deletes it meanwhile.
  await net.goOffline();
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'reconnecting');
  await sticky(alice, 'Who pays refunds?').dblclick();
  await alice.locator('.sticky-editor').fill('Finance pays refunds');
  await alice.locator('.sticky-editor').press('Enter');
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

async function rename(page: Page, name: string) {
  await page.fill('.name-input', name);
  await page.press('.name-input', 'Tab');
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
}

test('presence shows who is here, their pointers and what they edit, and forgets who left', async ({ browser }) => {
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
