import { test, expect } from './server';
import { createBoard, hydrated, openBoard, placeSticky, sticky } from './helpers';

// Each payload sets a flag if it ever runs; none of them may.
const TITLE = '</title><img src=x onerror="window.__xss=\'title\'">';
const STICKY = '<img src=x onerror="window.__xss=\'sticky\'"><script>window.__xss=\'script\'</script>';
const NAME = '<svg onload="window.__xss=\'name\'">';

test('hostile titles, sticky text and names stay text in two browsers', async ({ browser, server }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const dialogs: string[] = [];
  for (const page of [alice, bob]) page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });

  const url = await createBoard(alice, server.url, TITLE);
  // A name goes out on the next connection (the change event reconnects).
  await alice.fill('.name-input', NAME);
  await alice.press('.name-input', 'Tab');
  await expect(alice.locator('.status')).toHaveAttribute('data-status', 'live');
  await placeSticky(alice, 'hotspot', 300, 300, STICKY);

  // Bob opens the board from its server-rendered page: the title is the raw text, escaped.
  await openBoard(bob, url);
  await expect(bob).toHaveTitle(`${TITLE} · Stormwall`);
  await expect(bob.locator('.board-name')).toHaveText(TITLE);
  await expect(sticky(bob, 'window.__xss')).toBeVisible();
  await bob.reload();
  await hydrated(bob);
  await expect(bob.locator('.status')).toHaveAttribute('data-status', 'live');

  // The home page lists it too.
  await alice.goto(server.url);
  await hydrated(alice);
  await expect(alice.locator('.board-list')).toContainText(TITLE);

  for (const page of [alice, bob]) {
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  }
  expect(dialogs).toEqual([]);
});

test('the content security policy lets the app run and refuses injected scripts', async ({ page, server }) => {
  const violations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const url = await createBoard(page, server.url, 'Policy');
  // Hydration ran (createBoard waited for it), so our own nonce-carrying scripts were allowed.
  expect(violations).toEqual([]);
  await openBoard(page, url);

  // An inline script without the nonce, as an injection would add it, is refused.
  const refused = await page.evaluate(async () => {
    const seen = new Promise<string>((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve((e as SecurityPolicyViolationEvent).effectiveDirective), { once: true });
    });
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
    const directive = await Promise.race([seen, new Promise<string>((r) => setTimeout(() => r('none'), 2000))]);
    return { ran: (window as any).__injected === true, directive };
  });
  expect(refused.ran).toBe(false);
  expect(refused.directive).toMatch(/script-src/);

  // So is an inline event handler.
  const handler = await page.evaluate(async () => {
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__handler = true');
    img.src = 'data:,not-an-image';
    document.body.appendChild(img);
    await new Promise((r) => setTimeout(r, 500));
    return (window as any).__handler === true;
  });
  expect(handler).toBe(false);

  // The board still works under the policy: a sticky placed now is stored.
  await placeSticky(page, 'domain_event', 300, 300, 'Under policy');
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
});
