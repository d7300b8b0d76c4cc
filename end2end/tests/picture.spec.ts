// The board as a picture: an SVG and PNGs downloaded from the Export panel, drawn in the
// browser from the live board. The SVG, opened on its own in Chromium, shows every sticky in
// the notation's colour, and a sticky's hostile text stays text there.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Download, Page } from '@playwright/test';
import { test, expect } from './server';
import { hydrated } from './helpers';

const COLOURS: Record<string, string> = {
  domain_event: '#FFB84D',
  command: '#7EC8F0',
  aggregate: '#FFE066',
  policy: '#C9A0DC',
  read_model: '#A8D08D',
  actor: '#FFF9B1',
  external_system: '#F4A6C0',
  hotspot: '#E85D75',
};
const SIZES: Record<string, [number, number]> = {
  aggregate: [180, 130],
  policy: [180, 130],
  external_system: [200, 110],
  actor: [130, 90],
};
const SCRIPT = '</text><script>window.pwned=1</script>';

const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

/** A small workshop as a board file: two bounded contexts, every kind, labelled arrows. */
function workshop() {
  const stickies: object[] = [];
  const add = (kind: string, text: string, x: number, y: number, size?: [number, number]) => {
    const [w, h] = size ?? SIZES[kind] ?? [160, 110];
    stickies.push({ id: id(stickies.length + 1), kind, text, pos: { x, y }, size: { w, h }, description: '', fields: [] });
    return id(stickies.length);
  };
  const attendee = add('actor', 'Attendee', 20, 60);
  const reserve = add('command', 'Reserve Seat', 200, 150);
  const reservation = add('aggregate', 'Reservation', 400, 140);
  const reserved = add('domain_event', 'Seat Reserved', 620, 150);
  const seats = add('read_model', 'Available Seats', 840, 150);
  add('hotspot', SCRIPT, 1050, 60, [240, 200]); // room for all of it: nothing cut
  const pay = add('command', 'Pay Order', 200, 650);
  const payment = add('aggregate', 'Payment', 400, 640);
  const received = add('domain_event', 'Payment Received', 620, 650);
  const policy = add('policy', 'Whenever a payment is received, issue the ticket', 840, 640);
  const provider = add('external_system', 'Payment Provider', 620, 780);
  add('domain_event', 'Ticket Emailed', 1600, 200);
  const arrows: [string, string, string | null][] = [
    [attendee, reserve, null],
    [reserve, reservation, null],
    [reservation, reserved, 'emits'],
    [reserved, seats, null],
    [pay, payment, null],
    [payment, received, null],
    [received, policy, null],
    [payment, provider, 'charges'],
  ];
  return {
    format: 'stormwall-board',
    version: 1,
    title: 'Conference ticketing',
    stickies,
    frames: [
      { id: id(101), name: 'Ticketing', rect: { x: 0, y: 0, w: 1400, h: 400 } },
      { id: id(102), name: 'Payments', rect: { x: 0, y: 500, w: 1400, h: 400 } },
    ],
    connectors: arrows.map(([from, to, label], i) => ({ id: id(201 + i), from, to, label })),
  };
}

async function importBoard(page: Page, base: string): Promise<void> {
  await page.goto(base);
  await hydrated(page);
  await page.setInputFiles('.import-file', {
    name: 'workshop.stormwall.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(workshop())),
  });
  await page.waitForURL(/\/b\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'live');
  await expect(page.locator('.sticky')).toHaveCount(12);
}

async function download(page: Page, button: string): Promise<Download> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return file;
}

async function text(file: Download): Promise<string> {
  return fs.readFileSync((await file.path())!, 'utf8');
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

const count = (svg: string, needle: string) => svg.split(needle).length - 1;

test('the board downloads as an SVG in the notation colours, and hostile text stays text', async ({ page, server }, info) => {
  await importBoard(page, server.url);
  await page.click('.export-toggle');
  await expect(page.locator('.picture-scope option[value="selection"]')).toBeDisabled();

  const file = await download(page, '.export-svg');
  expect(file.suggestedFilename()).toBe('conference-ticketing.svg');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stormwall-picture-'));
  const svgPath = path.join(dir, 'board.svg');
  await file.saveAs(svgPath);

  // Opened on its own, as someone would open the downloaded file.
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(`file://${svgPath}`);
  const svgSize = await page.evaluate(() => [
    Number(document.documentElement.getAttribute('width')),
    Number(document.documentElement.getAttribute('height')),
  ]);
  await page.setViewportSize({ width: svgSize[0], height: svgSize[1] });
  await page.screenshot({ path: info.outputPath('board.png') });
  const drawn = await page.evaluate(() => {
    const all = (selector: string) => Array.from(document.querySelectorAll(selector));
    return {
      root: document.documentElement.localName,
      stickies: all('rect.sticky').map((r) => ({
        kind: r.getAttribute('data-kind')!,
        fill: r.getAttribute('fill')!,
        painted: getComputedStyle(r).fill,
      })),
      frames: all('rect.frame').length,
      arrows: all('path.arrow-line').length,
      labels: all('text.arrow-label').map((t) => t.textContent),
      legend: all('g.legend-entry').map((g) => g.getAttribute('data-kind')),
      texts: all('text.sticky-text').map((t) => t.textContent),
      scripts: all('script').length,
      pwned: (window as any).pwned,
      title: document.querySelector('title')?.textContent,
    };
  });
  expect(drawn.root).toBe('svg');
  expect(drawn.title).toBe('Conference ticketing');
  expect(drawn.stickies).toHaveLength(12);
  for (const s of drawn.stickies) {
    expect(s.fill).toBe(COLOURS[s.kind]);
    const hex = COLOURS[s.kind].slice(1).match(/../g)!.map((h) => parseInt(h, 16));
    expect(s.painted).toBe(`rgb(${hex.join(', ')})`);
  }
  expect(drawn.frames).toBe(2);
  expect(drawn.arrows).toBe(8);
  expect(drawn.labels).toEqual(['emits', 'charges']);
  expect(drawn.legend).toEqual(Object.keys(COLOURS));
  expect(drawn.texts).toContain(SCRIPT);
  expect(drawn.texts).toContain('Attendee');
  expect(drawn.scripts).toBe(0);
  expect(drawn.pwned).toBeUndefined();
  expect(dialogs).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a bounded context or the selection downloads on its own', async ({ page, server }) => {
  await importBoard(page, server.url);
  await page.click('.export-toggle');

  await page.selectOption('.picture-scope', { label: 'Payments' });
  const payments = await download(page, '.export-svg');
  expect(payments.suggestedFilename()).toBe('conference-ticketing-payments.svg');
  const svg = await text(payments);
  expect(count(svg, '<rect class="sticky"')).toBe(5);
  expect(count(svg, '<rect class="frame"')).toBe(1);
  expect(count(svg, 'class="arrow-line"')).toBe(4);
  expect(svg).toContain('>Payments</text>');

  // Two stickies selected on the wall (a click, then a Shift-click).
  await page.locator(`.sticky[data-id="${id(2)}"]`).click();
  await page.locator(`.sticky[data-id="${id(3)}"]`).click({ modifiers: ['Shift'] });
  const option = page.locator('.picture-scope option[value="selection"]');
  await expect(option).toBeEnabled();
  await expect(option).toContainText('2 stickies');
  await page.selectOption('.picture-scope', 'selection');
  const selection = await download(page, '.export-svg');
  expect(selection.suggestedFilename()).toBe('conference-ticketing-selection.svg');
  const chosen = await text(selection);
  expect(count(chosen, '<rect class="sticky"')).toBe(2);
  expect(count(chosen, 'class="arrow-line"')).toBe(1);
  expect(count(chosen, '<rect class="frame"')).toBe(0);

  // Emptying the selection (Escape on the wall) takes the picture back to the whole board.
  await page.locator('.picture-scope').blur();
  await page.keyboard.press('Escape');
  await expect(option).toBeDisabled();
  await expect(page.locator('.picture-scope')).toHaveValue('board');
});

test('the PNG at 2× is twice the size of the one at 1×', async ({ page, server }) => {
  await importBoard(page, server.url);
  await page.click('.export-toggle');
  const svg = await text(await download(page, '.export-svg'));
  const width = Number(svg.match(/<svg [^>]*width="(\d+)"/)![1]);
  const height = Number(svg.match(/<svg [^>]*height="(\d+)"/)![1]);

  const one = await download(page, '.export-png-1x');
  expect(one.suggestedFilename()).toBe('conference-ticketing.png');
  const two = await download(page, '.export-png-2x');
  expect(two.suggestedFilename()).toBe('conference-ticketing@2x.png');
  const [w1, h1] = pngSize(fs.readFileSync((await one.path())!));
  const [w2, h2] = pngSize(fs.readFileSync((await two.path())!));
  expect([w1, h1]).toEqual([width, height]);
  expect([w2, h2]).toEqual([2 * width, 2 * height]);
});
