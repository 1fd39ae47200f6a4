// Browser test of the placeholder page: serve the built renderer with the web host, open it in
// Debian's Chromium (playwright-core), check what a person sees, and keep a screenshot in
// test-results/. Skipped only when Chromium is missing outside CI; on CI that is a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { startWebHost, type WebHost } from '../../scripts/web-host/server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const distDir = path.join(repoRoot, 'renderer/dist');
const resultsDir = path.join(repoRoot, 'test-results');
const chromiumPath = process.env.BLOCKSMITH_CHROMIUM ?? '/usr/bin/chromium';
const onCi = Boolean(process.env.CI);
const chromiumMissing = !existsSync(chromiumPath);
const skip = chromiumMissing && !onCi ? `Chromium not found at ${chromiumPath} (apt-get install chromium)` : false;
if (skip) console.log(`# e2e skipped: ${skip}`);

let host: WebHost | undefined;
let context: BrowserContext | undefined;
let profileDir: string | undefined;

before(async () => {
  if (skip) return;
  assert.ok(!chromiumMissing, `Chromium not found at ${chromiumPath}; CI must install it (scripts/setup.sh)`);
  if (!existsSync(path.join(distDir, 'index.html'))) {
    const build = spawnSync('npm', ['run', '--silent', 'build:renderer'], { cwd: repoRoot, stdio: 'inherit' });
    assert.equal(build.status, 0, 'npm run build:renderer failed');
  }
  host = await startWebHost({ root: distDir, port: 0 });
  profileDir = await mkdtemp(path.join(tmpdir(), 'blocksmith-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await context?.close();
  await host?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

test('the placeholder page shows the Blocksmith title, heading and status', { skip }, async () => {
  assert.ok(context && host);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  const response = await page.goto(host.url, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  assert.equal(await page.title(), 'Blocksmith');
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Blocksmith');
  assert.match((await page.locator('main').textContent()) ?? '', /editor is coming/i);
  const status = page.getByTestId('status');
  await status.filter({ hasText: 'Running in the browser' }).waitFor();

  await mkdir(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, 'placeholder.png'), fullPage: true });

  // CSP violations and script errors show up as console errors: there must be none.
  assert.deepEqual(problems, []);
});
