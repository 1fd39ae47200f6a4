// Shared setup of the editor's browser tests: the built renderer served by the real web host with
// a real engine process, opened in Debian's Chromium through playwright-core, plus helpers that
// act like a person (drag from the palette, wire two ports, read what the canvas shows).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { serve, type Serving } from '../../scripts/web-host/serve.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built renderer the web host serves (BLOCKSMITH_RENDERER_DIST lets parallel runs build apart). */
export const distDir = process.env.BLOCKSMITH_RENDERER_DIST ?? path.join(repoRoot, 'renderer/dist');
// Screenshots refresh the committed docs/images only when asked (BLOCKSMITH_UPDATE_SCREENSHOTS=1),
// so an ordinary test run leaves the working tree clean; otherwise they go to test-results/.
export const imagesDir = path.join(repoRoot, process.env.BLOCKSMITH_UPDATE_SCREENSHOTS === '1' ? 'docs/images' : 'test-results/screenshots');
const chromiumPath = process.env.BLOCKSMITH_CHROMIUM ?? '/usr/bin/chromium';
const chromiumMissing = !existsSync(chromiumPath);
/** Skip reason when Chromium is missing outside CI (on CI that is a failure). */
export const skip = chromiumMissing && !process.env.CI ? `Chromium not found at ${chromiumPath} (apt-get install chromium)` : false;
if (skip) console.log(`# e2e skipped: ${skip}`);

export interface Harness {
  serving: Serving;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  assert.ok(!chromiumMissing, `Chromium not found at ${chromiumPath}; CI must install it (scripts/setup.sh)`);
  if (!existsSync(path.join(distDir, 'index.html')) || process.env.BLOCKSMITH_E2E_BUILD === '1') {
    const build = spawnSync('npm', ['run', '--silent', 'build:renderer'], { cwd: repoRoot, stdio: 'inherit' });
    assert.equal(build.status, 0, 'npm run build:renderer failed');
  }
  const serving = await serve({ port: 0, root: distDir, log: () => {}, warn: () => {} });
  const profileDir = await mkdtemp(path.join(tmpdir(), 'blocksmith-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
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
  return {
    serving,
    context,
    async close() {
      await context.close();
      await serving.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

export interface EditorPage {
  page: Page;
  /** Console errors and page errors seen so far (CSP violations show up here). */
  problems: string[];
}

/** Opens the editor and waits until the engine's catalog has filled the palette. */
export async function openEditor(harness: Harness, theme: 'light' | 'dark' = 'light'): Promise<EditorPage> {
  const page = await harness.context.newPage();
  await page.emulateMedia({ colorScheme: theme });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // "Discard the unsaved changes?" is answered yes, as the action ran before it asked; a test that
  // wants to answer itself adds its own listener, and then this one stays out of the way.
  // (Page is an EventEmitter at run time; its typings leave listenerCount out.)
  const listeners = page as unknown as { listenerCount(event: string): number };
  page.on('dialog', (d) => {
    if (listeners.listenerCount('dialog') === 1) void d.accept();
  });
  const response = await page.goto(harness.serving.web.url, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  await page.getByTestId('palette-Dense').waitFor({ timeout: 20_000 });
  return { page, problems };
}

/** Drags a palette entry onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dropFromPalette(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${kind}`).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** The canvas node named `name` (its data-testid is node-<name>). */
export function canvasNode(page: Page, name: string): Locator {
  return page.getByTestId(`node-${name}`);
}

/** Drags with the mouse from one node's output handle to another's input handle. */
export async function wire(page: Page, from: string, to: string, fromPort = 'output', toPort = 'data'): Promise<void> {
  const source = canvasNode(page, from).locator(`.react-flow__handle.source[data-handleid="${fromPort}"]`);
  const target = canvasNode(page, to).locator(`.react-flow__handle.target[data-handleid="${toPort}"]`);
  const a = await source.boundingBox();
  const b = await target.boundingBox();
  assert.ok(a && b, `handles of ${from} and ${to} must be visible`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Selects a node by clicking its header. */
export async function selectNode(page: Page, name: string): Promise<void> {
  await canvasNode(page, name).locator('.layer-node-name').click();
}

/** Sets an inspector field (by its label) and presses Tab so it applies. */
export async function fillField(page: Page, label: string, value: string): Promise<void> {
  const field = page
    .locator('.inspector .field')
    .filter({ has: page.locator(`span:text-is("${label}")`) })
    .locator('input, select')
    .first();
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else {
    await field.fill(value);
    await field.press('Tab');
  }
}

/** The shape labels shown on edges, by edge id. */
export async function edgeShapes(page: Page): Promise<Record<string, string>> {
  return page
    .locator('[data-testid="edge-shape"]')
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-edge') ?? '', e.textContent ?? ''])));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(imagesDir, { recursive: true });
  await page.screenshot({ path: path.join(imagesDir, `${name}.png`) });
}

/** Opens the toolbar's File menu and clicks `item` (New, Open…, Save, Save as…, Download, Upload…, or a recent file's name). */
export async function fileMenu(page: Page, item: string | RegExp): Promise<void> {
  const menu = page.getByRole('menu', { name: 'File' });
  if (!(await menu.isVisible())) await page.locator('.toolbar').getByRole('button', { name: 'File', exact: true }).click();
  const entry = typeof item === 'string' ? menu.getByRole('menuitem', { name: item, exact: true }) : menu.getByRole('menuitem', { name: item });
  await entry.click();
}

/** Clicks on empty canvas (clears the selection). */
export async function clickEmptyCanvas(page: Page): Promise<void> {
  const box = await page.locator('.react-flow__pane').boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + box.width - 30, box.y + 30);
}

/** What a browser test file works with: its editor page, the harness behind it, a scratch folder. */
export interface EditorSuite {
  page(): Page;
  editor(): EditorPage;
  harness(): Harness;
  /** The scratch folder (only when the suite was asked for one). */
  dir(): string;
  /** Makes `next` the suite's page (a test that crashed the first one opened another). */
  useEditor(next: EditorPage): void;
}

/**
 * The set-up every browser test file shares: before its tests, the harness and one editor page
 * (nothing when Chromium is missing and the tests skip); after them, both closed. `tempDir` also
 * makes a scratch folder (blocksmith-<tempDir>-XXXX), removed at the end.
 */
export function editorSuite(options: { tempDir?: string } = {}): EditorSuite {
  let harness: Harness | undefined;
  let editor: EditorPage | undefined;
  let dir = '';
  before(async () => {
    if (skip) return;
    if (options.tempDir) dir = await mkdtemp(path.join(tmpdir(), `blocksmith-${options.tempDir}-`));
    harness = await startHarness();
    editor = await openEditor(harness);
  });
  after(async () => {
    await harness?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined, what: string): T => {
    assert.ok(value, `${what} is not started: the suite's before() hook did not run or failed`);
    return value;
  };
  return {
    page: () => started(editor, 'the editor').page,
    editor: () => started(editor, 'the editor'),
    harness: () => started(harness, 'the harness'),
    dir: () => started(dir || undefined, 'the scratch folder (editorSuite({ tempDir }))'),
    useEditor: (next) => {
      editor = next;
    },
  };
}

/** Waits until one of the locator's elements contains `text`. */
export async function waitForText(locator: Locator, text: string | RegExp, timeout = 10_000): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout });
}

/** Waits until the locator's elements read `expected`, in order; fails showing what they read. */
export async function expectTexts(locator: Locator, expected: string[]): Promise<void> {
  let actual: string[] = [];
  for (let i = 0; i < 50; i++) {
    actual = await locator.allTextContents();
    if (JSON.stringify(actual) === JSON.stringify(expected)) return;
    await locator.page().waitForTimeout(200);
  }
  assert.deepEqual(actual, expected);
}
