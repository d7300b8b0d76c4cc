// Two Stormwall servers on one PostgreSQL database, a browser on each: one board, edited live.
// Runs when STORMWALL_E2E_POSTGRES names a cluster (scripts/test.sh starts one); skipped
// otherwise, as SQLite serves one server only.
import { test as base, expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { Server } from './server';
import { boardId, createBoard, openBoard, placeSticky, sticky } from './helpers';

const cluster = process.env.STORMWALL_E2E_POSTGRES;

/** The cluster's URL naming a new database (the first server creates it). */
function freshDatabase(url: string): string {
  const u = new URL(url);
  u.pathname = `/e2e_${randomUUID().replace(/-/g, '')}`;
  return u.toString();
}

const test = base.extend<{ servers: [Server, Server] }>({
  // eslint-disable-next-line no-empty-pattern
  servers: async ({}, use) => {
    const database = freshDatabase(cluster!);
    const a = new Server(database);
    await a.start();
    const b = new Server(database);
    await b.start();
    await use([a, b]);
    await a.stop();
    await b.stop();
  },
});

test.skip(!cluster, 'needs STORMWALL_E2E_POSTGRES (several servers share only PostgreSQL)');

test('two browsers on two servers edit one board live, and one goes on when its server dies', async ({ browser, servers }) => {
  const [a, b] = servers;
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const link = await createBoard(alice, a.url, 'Two servers');
  // The same board, opened through the other server.
  await openBoard(bob, link.replace(a.url, b.url));
  expect(boardId(bob.url())).toBe(boardId(alice.url()));

  // Each sees the other (presence crosses servers) and the other's stickies.
  for (const page of [alice, bob]) await expect(page.locator('.people .person')).toHaveCount(2);
  await placeSticky(alice, 'domain_event', 300, 420, 'Order Placed');
  await expect(sticky(bob, 'Order Placed')).toBeVisible();
  await placeSticky(bob, 'command', 300, 600, 'Place Order');
  await expect(sticky(alice, 'Place Order')).toBeVisible();

  // Alice's pointer shows on Bob's wall, through the other server.
  const wall = await alice.locator('.wall').boundingBox();
  await alice.mouse.move(wall!.x + 600, wall!.y + 300);
  await alice.mouse.move(wall!.x + 640, wall!.y + 320);
  await expect(bob.locator('.cursor')).toHaveCount(1);

  // Alice's server dies: she leaves Bob's roster within seconds, and Bob goes on editing.
  await a.kill();
  await expect(bob.locator('.people .person')).toHaveCount(1, { timeout: 10_000 });
  await placeSticky(bob, 'policy', 600, 600, 'Send Confirmation');
  await expect(bob.locator('.status')).toHaveAttribute('data-unsaved', '0');

  // Back up, the first server serves the whole board, Bob's last change included.
  await a.start();
  const carol = await (await browser.newContext()).newPage();
  await openBoard(carol, link);
  for (const text of ['Order Placed', 'Place Order', 'Send Confirmation']) {
    await expect(sticky(carol, text)).toBeVisible();
  }
});
