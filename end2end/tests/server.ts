// Runs the real Stormwall binary (built by `cargo leptos build --release`) on a throwaway
// SQLite file, so tests can kill and restart it like an operator would.
import { test as base } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const binary = process.env.STORMWALL_BIN ?? path.join(root, 'target', 'release', 'stormwall');
const siteRoot = process.env.STORMWALL_SITE_ROOT ?? path.join(root, 'target', 'site');

export class Server {
  private child?: ChildProcess;
  readonly dir: string;
  url = '';
  private addr = '127.0.0.1:0';

  /** `database`: another store than a fresh SQLite file (several servers share PostgreSQL). */
  constructor(private readonly shared?: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stormwall-e2e-'));
  }

  get database(): string {
    return this.shared ?? `sqlite://${path.join(this.dir, 'board.db')}`;
  }

  async start(): Promise<void> {
    const child = spawn(binary, ['--database', this.database, '--addr', this.addr, '--site-root', siteRoot], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: 'warn' },
    });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d.toString()));
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15_000);
      child.stdout!.on('data', (d) => {
        out += d.toString();
        const m = out.match(/listening on (http:\/\/[\d.:]+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}: ${stderr}`));
      });
    });
    // Restarts reuse the port so that open pages reconnect to the same address.
    this.addr = this.url.replace('http://', '');
  }

  /** Kills the server the hard way (SIGKILL): no chance to flush anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Playwright's `test` with a fresh server (and database) for each test, stopped after it. */
export const test = base.extend<{ server: Server }>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = new Server();
    await server.start();
    await use(server);
    await server.stop();
  },
});
export { expect } from '@playwright/test';
