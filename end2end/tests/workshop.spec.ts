// Private boards and the facilitator's kit, with several people in their own browsers: links
// and roles, replacing a link, the timer, phases, dot votes and follow me.
import { Browser, Page } from '@playwright/test';
import { test, expect } from './server';
import { boardId, createBoard, createBoardByApi, hydrated, openBoard, placeSticky, shareLinks, sticky } from './helpers';

// Three or four browsers at once: slower than one on a busy machine.
test.describe.configure({ timeout: 120_000 });

async function person(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** The camera the wall reports: the board point at its top-left and the zoom. */
async function view(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  const [x, y, zoom] = (await page.locator('.wall').getAttribute('data-view'))!.split(',').map(Number);
  return { x, y, zoom };
}

/** The board point at the centre of the wall. */
async function centre(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  const v = await view(page);
  const box = (await page.locator('.wall').boundingBox())!;
  return { x: v.x + box.width / 2 / v.zoom, y: v.y + box.height / 2 / v.zoom, zoom: v.zoom };
}

async function remaining(page: Page): Promise<number> {
  return Number(await page.locator('.timer').getAttribute('data-remaining'));
}

async function openKit(page: Page): Promise<void> {
  if (!(await page.locator('.workshop-panel').count())) await page.click('.workshop-toggle');
  await expect(page.locator('.workshop-panel')).toBeVisible();
}

test('a viewer watches live and changes nothing; a replaced edit link disconnects whoever uses it', async ({ browser, server }) => {
  const alice = await person(browser);
  const url = await createBoard(alice, server.url, 'Roles');
  const links = await shareLinks(alice);
  expect(links.facilitator).toBe(url);
  expect(links.edit).toMatch(/\/b\/[0-9a-f-]{36}#k=/);
  expect(links.view).toMatch(/\/b\/[0-9a-f-]{36}#k=/);
  // The address bar never shows a key once the board is open.
  expect(alice.url()).not.toContain('#');

  // Bob has the view link: the board live, no palette, no way to change anything.
  const bob = await person(browser);
  await openBoard(bob, links.view!);
  expect(bob.url()).not.toContain('#k=');
  await expect(bob.locator('.view-only')).toBeVisible();
  await expect(bob.locator('.palette')).toHaveCount(0);
  await expect(bob.locator('.lock-toggle, .workshop-toggle, .follow-me')).toHaveCount(0);
  await expect(bob.locator('.person[data-role="view"].me')).toBeVisible();
  await placeSticky(alice, 'domain_event', 300, 300, 'Seat Reserved');
  await expect(sticky(bob, 'Seat Reserved')).toBeVisible();
  const before = await sticky(alice, 'Seat Reserved').boundingBox();

  await sticky(bob, 'Seat Reserved').dblclick();
  await expect(bob.locator('.sticky-editor')).toHaveCount(0);
  const box = (await sticky(bob, 'Seat Reserved').boundingBox())!;
  await bob.mouse.move(box.x + 40, box.y + 50);
  await bob.mouse.down();
  await bob.mouse.move(box.x + 240, box.y + 50, { steps: 8 });
  await bob.mouse.up();
  await sticky(bob, 'Seat Reserved').click();
  await bob.keyboard.press('Delete');
  await bob.keyboard.press('e');
  await bob.locator('.wall').click({ position: { x: 700, y: 500 } });
  await bob.keyboard.press('Control+z');
  await bob.locator('.board-name').dblclick();
  await expect(bob.locator('.board-name-input')).toHaveCount(0);
  await bob.waitForTimeout(500);
  await expect(bob.locator('.sticky')).toHaveCount(1);
  await expect(alice.locator('.sticky')).toHaveCount(1);
  expect(await sticky(alice, 'Seat Reserved').boundingBox()).toEqual(before);
  await expect(bob.locator('.status')).toHaveAttribute('data-unsaved', '0');

  // Exports stay available to a viewer (fetched with the link's key).
  await bob.click('.export-toggle');
  const [file] = await Promise.all([bob.waitForEvent('download'), bob.click('.export-json')]);
  expect(file.suggestedFilename()).toMatch(/\.json$/);

  // Carol edits with the edit link; the facilitator replaces it: she is disconnected for good.
  const carol = await person(browser);
  await openBoard(carol, links.edit!);
  await expect(carol.locator('.palette')).toBeVisible();
  await expect(carol.locator('.lock-toggle, .workshop-toggle')).toHaveCount(0);
  await placeSticky(carol, 'hotspot', 600, 300, 'Double booking?');
  await expect(sticky(alice, 'Double booking?')).toBeVisible();

  await alice.click('.share-toggle');
  await alice.click('.rotate-link[data-role="edit"]');
  await expect(alice.locator('.rotate-warning')).toContainText('disconnected');
  await alice.click('.rotate-confirm[data-role="edit"]');
  await expect(alice.locator('.share-link[data-role="edit"]')).not.toHaveValue(links.edit!);
  const newEdit = await alice.locator('.share-link[data-role="edit"]').inputValue();
  await expect(carol.locator('.access-ended')).toContainText('This link was revoked; ask the facilitator for a new one');
  // Nothing reconnects on its own, and the viewer was not touched.
  await carol.waitForTimeout(1500);
  await expect(carol.locator('.access-ended')).toBeVisible();
  await expect(bob.locator('.status')).toHaveAttribute('data-status', 'live');
  await placeSticky(alice, 'command', 300, 500, 'Reserve Seat');
  await expect(sticky(bob, 'Reserve Seat')).toBeVisible();

  // The old link opens nothing any more; the new one does.
  await carol.goto(links.edit!);
  await hydrated(carol);
  await expect(carol.locator('.board-closed-message')).toContainText('This link does not open a board');
  await openBoard(carol, newEdit);
  await expect(sticky(carol, 'Reserve Seat')).toBeVisible();
  await expect(carol.locator('.palette')).toBeVisible();
});

test('the timer counts down alike in every browser and survives a reload; the phase shows for everyone', async ({ browser, server }) => {
  const alice = await person(browser);
  await createBoard(alice, server.url, 'Timebox');
  const links = await shareLinks(alice);
  const bob = await person(browser);
  await openBoard(bob, links.edit!);
  await expect(bob.locator('.timer')).toHaveCount(0);
  await expect(bob.locator('.timer-controls, .phase-select')).toHaveCount(0);

  await openKit(alice);
  await alice.click('.timer-preset[data-minutes="5"]');
  await expect(bob.locator('.timer')).toBeVisible();
  await expect.poll(() => remaining(alice)).toBeLessThanOrEqual(300);
  for (let i = 0; i < 3; i++) {
    const [a, b] = await Promise.all([remaining(alice), remaining(bob)]);
    expect(a).toBeGreaterThan(290);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
    await alice.waitForTimeout(700);
  }
  await expect.poll(() => remaining(bob), { timeout: 5000 }).toBeLessThan(299);
  await expect(bob.locator('.timer-time')).toHaveText(/^04:5\d$/);

  // A reload finds it still running, at the same second as everyone else.
  await bob.reload();
  await hydrated(bob);
  await expect(bob.locator('.timer')).toBeVisible();
  const [a, b] = await Promise.all([remaining(alice), remaining(bob)]);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1);

  // Pause holds it still everywhere; a minute more; resume.
  await alice.click('.timer-pause');
  await expect(bob.locator('.timer')).toHaveClass(/paused/);
  const held = await remaining(bob);
  await bob.waitForTimeout(1500);
  expect(await remaining(bob)).toBe(held);
  await alice.click('.timer-extend');
  await expect.poll(() => remaining(bob)).toBe(held + 60);
  await alice.click('.timer-resume');
  await expect(bob.locator('.timer')).not.toHaveClass(/paused/);
  await expect.poll(() => remaining(bob), { timeout: 5000 }).toBeLessThan(held + 60);

  // A short one runs out: a soft cue in both browsers.
  await alice.fill('.timer-minutes', '0.05');
  await alice.click('.timer-start');
  await expect(alice.locator('.timer')).toHaveClass(/ended/, { timeout: 8000 });
  await expect(bob.locator('.timer')).toHaveClass(/ended/, { timeout: 8000 });
  await expect(bob.locator('.timer')).toHaveAttribute('data-remaining', '0');
  await alice.click('.timer-stop');
  await expect(bob.locator('.timer')).toHaveCount(0);

  // The phase: a banner for everyone, and its kinds first in the palette.
  await alice.selectOption('.phase-select', 'hotspots');
  for (const page of [alice, bob]) {
    await expect(page.locator('.phase-banner')).toContainText('Hotspots');
    await expect(page.locator('.phase-banner')).toContainText('pink hotspots');
    await expect(page.locator('.palette-item').first()).toHaveAttribute('data-kind', 'hotspot');
    await expect(page.locator('.palette-item.in-phase')).toHaveCount(2);
  }
  await alice.selectOption('.phase-select', 'people_and_systems');
  await expect(bob.locator('.phase-banner')).toContainText('People and systems');
  await expect(bob.locator('.palette-item').first()).toHaveAttribute('data-kind', 'actor');
  await alice.selectOption('.phase-select', '');
  await expect(bob.locator('.phase-banner')).toHaveCount(0);
});

test('a dot vote keeps everyone\'s dots secret until the reveal, then ranks the stickies', async ({ browser, server }) => {
  const alice = await person(browser);
  await createBoard(alice, server.url, 'Vote');
  await placeSticky(alice, 'hotspot', 250, 250, 'Refunds');
  await placeSticky(alice, 'hotspot', 500, 250, 'Overbooking');
  await placeSticky(alice, 'domain_event', 750, 250, 'Ticket Sold');
  await alice.keyboard.press('Escape');
  const links = await shareLinks(alice);
  const bob = await person(browser);
  await openBoard(bob, links.edit!);
  const viewer = await person(browser);
  await openBoard(viewer, links.view!);

  await openKit(alice);
  await alice.click('.vote-open-toggle');
  const form = alice.locator('.vote-open');
  await form.locator('.vote-question-input').fill('Which hotspot hurts most?');
  await expect(form.locator('.vote-dots')).toHaveValue('3');
  await form.locator('.vote-kind input[value="hotspot"]').check();
  await form.locator('.vote-start').click();
  await alice.click('.workshop-toggle'); // the kit closes; the vote bar stays

  for (const page of [alice, bob]) {
    await expect(page.locator('.vote-bar')).toContainText('Which hotspot hurts most?');
    await expect(page.locator('.vote-bar')).toContainText('3 of 3 dots left');
    // Only the kinds the vote is about take dots.
    await expect(sticky(page, 'Refunds').locator('.dot-add')).toBeVisible();
    await expect(sticky(page, 'Ticket Sold').locator('.dot-add')).toHaveCount(0);
  }
  await expect(viewer.locator('.dot-add')).toHaveCount(0);

  await sticky(bob, 'Refunds').locator('.dot-add').click();
  await expect(bob.locator('.vote-bar')).toContainText('2 of 3 dots left');
  await sticky(bob, 'Refunds').locator('.dot-add').click();
  await expect(bob.locator('.vote-bar')).toContainText('1 of 3 dots left');
  await sticky(bob, 'Overbooking').locator('.dot-add').click();
  await expect(bob.locator('.vote-bar')).toContainText('0 of 3 dots left');
  await sticky(bob, 'Overbooking').locator('.dot-add').click();
  await expect(bob.locator('.notice')).toContainText('all your 3 dots');
  // One taken back and put elsewhere.
  await sticky(bob, 'Overbooking').locator('.dot-remove').click();
  await expect(bob.locator('.vote-bar')).toContainText('1 of 3 dots left');
  await sticky(bob, 'Overbooking').locator('.dot-add').click();
  await expect(sticky(bob, 'Refunds').locator('.my-dots')).toHaveAttribute('data-count', '2');

  await sticky(alice, 'Refunds').locator('.dot-add').click();
  await expect(sticky(alice, 'Refunds').locator('.my-dots')).toHaveAttribute('data-count', '1');
  await expect(alice.locator('.vote-bar')).toContainText('2 of 3 dots left');
  // Nobody sees a count before the reveal: Alice sees her own dot only, the viewer none.
  await expect(sticky(alice, 'Overbooking').locator('.my-dots')).toHaveAttribute('data-count', '0');
  for (const page of [alice, bob, viewer]) {
    await expect(page.locator('.sticky-dots, .vote-results')).toHaveCount(0);
  }
  // A reload keeps one's dots (the browser and the name are who votes).
  await bob.reload();
  await hydrated(bob);
  await expect(sticky(bob, 'Refunds').locator('.my-dots')).toHaveAttribute('data-count', '2');

  await alice.click('.vote-reveal');
  for (const page of [alice, bob, viewer]) {
    await expect(sticky(page, 'Refunds').locator('.sticky-dots')).toHaveAttribute('data-dots', '3');
    await expect(sticky(page, 'Overbooking').locator('.sticky-dots')).toHaveAttribute('data-dots', '1');
    await expect(sticky(page, 'Ticket Sold').locator('.sticky-dots')).toHaveCount(0);
    const ranking = page.locator('.vote-results .vote-result');
    await expect(ranking).toHaveCount(2);
    await expect(ranking.nth(0)).toContainText('Refunds');
    await expect(ranking.nth(0)).toHaveAttribute('data-dots', '3');
    await expect(ranking.nth(1)).toContainText('Overbooking');
    await expect(page.locator('.dot-add')).toHaveCount(0);
  }
  await expect(bob.locator('.vote-close, .vote-reveal')).toHaveCount(0);

  // Closed, the result stays on the board (collapsed), for anyone who opens it later too.
  await alice.click('.vote-close');
  await expect(bob.locator('.vote-results')).toHaveAttribute('data-closed', 'true');
  const late = await person(browser);
  await openBoard(late, links.view!);
  await expect(sticky(late, 'Refunds').locator('.sticky-dots')).toHaveAttribute('data-dots', '3');
  await late.click('.vote-results summary');
  await expect(late.locator('.vote-result').first()).toContainText('Refunds');
});

test('follow me brings every wall to the facilitator\'s view until one looks elsewhere', async ({ browser, server }) => {
  const alice = await person(browser);
  await createBoard(alice, server.url, 'Tour');
  await placeSticky(alice, 'domain_event', 300, 300, 'Start Here');
  await alice.keyboard.press('Escape');
  const links = await shareLinks(alice);
  const bob = await person(browser);
  await openBoard(bob, links.edit!);
  await expect(bob.locator('.follow-me')).toHaveCount(0);

  await alice.click('.follow-me');
  await expect(alice.locator('.follow-me')).toHaveText('Stop leading');
  await expect(bob.locator('.following')).toContainText('Following');
  // Alice looks elsewhere, zoomed out: Bob's wall shows what hers shows.
  for (let i = 0; i < 5; i++) await alice.keyboard.press('ArrowRight');
  await alice.keyboard.press('-');
  const close = async () => {
    const [a, b] = await Promise.all([centre(alice), centre(bob)]);
    return Math.abs(a.x - b.x) < 2 && Math.abs(a.y - b.y) < 2 && Math.abs(a.zoom - b.zoom) < 0.001;
  };
  await expect.poll(close).toBe(true);
  expect((await centre(bob)).zoom).toBeCloseTo(0.8, 3);

  // Bob moves his own view: he stops following, and can join again with one click.
  await bob.locator('.wall').click({ position: { x: 900, y: 700 } });
  await bob.keyboard.press('ArrowDown');
  await expect(bob.locator('.rejoin-follow')).toBeVisible();
  const own = await view(bob);
  await alice.keyboard.press('ArrowLeft');
  await alice.waitForTimeout(400);
  expect(await view(bob)).toEqual(own);
  await bob.click('.rejoin-follow');
  await expect(bob.locator('.following')).toBeVisible();
  await expect.poll(close).toBe(true);

  // Stopping leading lets everyone go.
  await alice.click('.follow-me');
  await expect(alice.locator('.follow-me')).toHaveText('Follow me');
  await expect(bob.locator('.following, .rejoin-follow')).toHaveCount(0);
  expect(boardId(bob.url())).toBe(boardId(alice.url()));
});

test('the home page lists the boards this browser opened, and no one else\'s', async ({ browser, server }) => {
  const alice = await person(browser);
  await createBoard(alice, server.url, 'Alice only');
  const links = await shareLinks(alice);
  await alice.goto(server.url);
  await hydrated(alice);
  await expect(alice.locator('.board-list li[data-role="facilitator"]')).toContainText('Alice only');
  await expect(alice.locator('.board-list li')).toHaveCount(1);

  const bob = await person(browser);
  await bob.goto(server.url);
  await hydrated(bob);
  await expect(bob.locator('.board-list')).toContainText('No boards in this browser yet');
  await expect(bob.locator('.board-list li')).toHaveCount(0);
  // The server's page knows nobody's boards.
  const html = await (await fetch(server.url)).text();
  expect(html).not.toContain('Alice only');

  // Once Bob has opened the view link, his browser knows the board, as a viewer; its link on
  // the home page opens it again with the key this browser kept.
  await openBoard(bob, links.view!);
  await bob.goto(server.url);
  await hydrated(bob);
  const entry = bob.locator('.board-list li[data-role="view"]');
  await expect(entry).toContainText('Alice only');
  await expect(entry).toContainText('Viewer');
  await entry.locator('a').click();
  await hydrated(bob);
  await expect(bob.locator('.status')).toHaveAttribute('data-status', 'live');
  await expect(bob.locator('.view-only')).toBeVisible();
});

test('a board made over the API opens with each of its links, with what each allows', async ({ browser, request, server }) => {
  const board = await createBoardByApi(request, server.url, 'From a script');
  const page = await person(browser);
  await openBoard(page, board.view);
  await expect(page.locator('.board-name')).toHaveText('From a script');
  await expect(page.locator('.view-only')).toBeVisible();
  await openBoard(page, board.edit);
  await expect(page.locator('.view-only')).toHaveCount(0);
  await expect(page.locator('.palette')).toBeVisible();
  await expect(page.locator('.workshop-toggle')).toHaveCount(0);
  await openBoard(page, board.facilitator);
  await expect(page.locator('.workshop-toggle')).toBeVisible();
  // The browser keeps the last link it opened the board with.
  await page.goto(server.url);
  await hydrated(page);
  await expect(page.locator('.board-list li[data-role="facilitator"]')).toContainText('From a script');
  expect(boardId(board.view)).toBe(board.id);
});
