// After the workshop: the glossary and the Rust crate downloaded from the UI, definitions
// edited in the glossary panel, and a board exported and imported again.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { test, expect } from './server';
import { authorization, createBoard, hydrated, openBoard, placeSticky, sticky } from './helpers';

async function userBoard(page: import('@playwright/test').Page, base: string): Promise<string> {
  const url = await createBoard(page, base, 'Users');
  await placeSticky(page, 'command', 150, 420, 'Change Name');
  await placeSticky(page, 'aggregate', 420, 420, 'User');
  await placeSticky(page, 'domain_event', 700, 420, 'Name Changed');
  await page.keyboard.press('k');
  await sticky(page, 'Change Name').click();
  await sticky(page, 'User').click();
  await sticky(page, 'User').click();
  await sticky(page, 'Name Changed').click();
  await page.keyboard.press('Escape');
  await expect(page.locator('.connector')).toHaveCount(2);
  return url;
}

test('the glossary and the Rust crate download from the UI with the board in them', async ({ page, server }) => {
  await userBoard(page, server.url);
  await page.click('.export-toggle');

  const [md] = await Promise.all([page.waitForEvent('download'), page.click('.export-glossary-md')]);
  expect(md.suggestedFilename()).toBe('users-glossary.md');
  const glossary = fs.readFileSync((await md.path())!, 'utf8');
  expect(glossary).toContain('# Ubiquitous language: Users');
  expect(glossary).toContain('| User | Aggregate |');
  expect(glossary).toContain('handles command “Change Name”');

  const [tgz] = await Promise.all([page.waitForEvent('download'), page.click('.export-rust')]);
  expect(tgz.suggestedFilename()).toBe('users_domain.tar.gz');
  const tar = zlib.gunzipSync(fs.readFileSync((await tgz.path())!)).toString('latin1');
  expect(tar).toContain('users_domain/src/lib.rs');
  expect(tar).toContain('pub trait Aggregate');
  expect(tar).toContain('impl Aggregate for User');
  expect(tar).toContain('    ChangeName,');
  // The board says what Change Name causes (Name Changed), so the decision is real.
  expect(tar).toContain('let event = Event::NameChanged;');

  // The preview shows the same code, file by file.
  await page.click('.preview-file:has-text("src/no_context/user.rs")');
  await expect(page.locator('.preview-code')).toContainText('pub enum Event {');
  await expect(page.locator('.preview-code')).toContainText('NameChanged,');
  await expect(page.locator('.preview-code')).toContainText('Ok(vec![event])');
});

test('definitions are edited in the glossary panel and reach the other browser', async ({ browser, server }) => {
  const alice = await (await browser.newContext()).newPage();
  const url = await userBoard(alice, server.url);
  const bob = await (await browser.newContext()).newPage();
  await openBoard(bob, url);
  await alice.click('.glossary-toggle');
  const term = alice.locator('.glossary-term[data-term="User"]');
  await expect(term).toContainText('no definition yet');
  await term.locator('.glossary-definition').fill('Someone with an account');
  await alice.locator('.glossary-panel h2').click(); // blur saves
  await expect(term).not.toContainText('no definition yet');
  await sticky(bob, 'User').click();
  await expect(bob.locator('.inspector-description')).toHaveValue('Someone with an account');
});

test('a board exported as JSON imports into an identical new board', async ({ page, server }) => {
  await userBoard(page, server.url);
  await page.click('.export-toggle');
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('.export-json')]);
  const path = (await file.path())!;
  const exported = fs.readFileSync(path, 'utf8');

  await page.goto(server.url);
  await hydrated(page);
  await page.setInputFiles('.import-file', { name: 'users.stormwall.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await page.waitForURL(/\/b\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
  await expect(page.locator('.sticky')).toHaveCount(3);
  await expect(page.locator('.connector')).toHaveCount(2);
  const id = page.url().split('/b/')[1];
  const again = await (await fetch(`${server.url}/api/boards/${id}/export/json`, { headers: await authorization(page, id) })).text();
  expect(again).toBe(exported);

  await page.goto(server.url);
  await hydrated(page);
  await page.setInputFiles('.import-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"nope": true}') });
  await expect(page.locator('.import-board .form-error')).toContainText('not a Stormwall board file');
});
