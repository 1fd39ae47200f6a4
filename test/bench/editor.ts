// The editor with a 1000-node document, in Chromium (playwright-core) against the real web host
// and engine: load time (Open → every node rendered, then every edge's shape label shown), the
// time from an attribute edit to the updated shape on the edge, and
// frame times (requestAnimationFrame deltas: median, p95, max) while panning the canvas and while
// dragging a node. Nothing is asserted; the goals are the bench's own (a 60 Hz frame is 16.7 ms).
//   npm run bench -- --only=editor        (BLOCKSMITH_RENDERER_DIST / BLOCKSMITH_CHROMIUM honoured)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../engine/protocol/graph-document.ts';
import { serve } from '../../scripts/web-host/serve.ts';
import { canvasNode, fileMenu } from '../e2e/editor-harness.ts';
import type { BenchOptions } from './options.ts';
import { REPO_ROOT, verdict, type Row } from './report.ts';

export const NODES = 1000;
/** Goals: open within 3 s; frames at 30 Hz or better (p95) while panning and dragging. */
const LOAD_GOAL_MS = 3000;
const FRAME_GOAL_MS = 33.4;

/**
 * Input → Dense/Activation chain → Output, NODES nodes, with a side branch (Dense → Output) every
 * 100 layers so it is a DAG, laid out as a snake of rows 20 nodes wide (positions in layout).
 */
export function benchDocument(size = NODES): GraphDocument {
  const nodes: GraphDocument['nodes'] = [{ id: 'in', kind: 'Input', name: 'data' }];
  const edges: GraphDocument['edges'] = [];
  const link = (s: string, t: string) => edges.push({ id: `e${edges.length}`, source: { node: s, port: 'output' }, target: { node: t, port: 'data' } });
  let prev = 'in';
  let branches = 0;
  for (let i = 0; nodes.length < size - 1; i++) {
    const dense = i % 2 === 0;
    const id = `n${i}`;
    nodes.push(
      dense ? { id, kind: 'Dense', name: `dense${i}`, attrs: { units: 32 } } : { id, kind: 'Activation', name: `relu${i}`, attrs: { activation: 'relu' } },
    );
    link(prev, id);
    prev = id;
    if (i % 100 === 99 && nodes.length < size - 2) {
      const side = `b${branches}`;
      nodes.push({ id: side, kind: 'Output', name: `output${++branches}` });
      link(id, side);
    }
  }
  nodes.push({ id: 'out', kind: 'Output', name: 'output0' });
  link(prev, 'out');
  const perRow = 20;
  const positions = Object.fromEntries(
    nodes.map((n, i) => {
      const row = Math.floor(i / perRow);
      const col = row % 2 === 0 ? i % perRow : perRow - 1 - (i % perRow);
      return [n.id, { x: col * 240, y: row * 160 }];
    }),
  );
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    title: `bench ${size}`,
    input: { shape: [2, 32], dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    nodes,
    edges,
    blocks: [],
    layout: { positions },
  };
}

export interface FrameStats {
  frames: number;
  median: number;
  p95: number;
  max: number;
  seconds: number;
  /** Frames over 50 ms (visible stutter). */
  long: number;
  /** Where the page's main thread spent the gesture (Chromium's Performance metrics), ms. */
  mainThread?: { script: number; layout: number; style: number; task: number };
}

export function frameStats(deltas: readonly number[]): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    frames: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    max: sorted.at(-1) ?? NaN,
    seconds: deltas.reduce((a, b) => a + b, 0) / 1000,
    long: sorted.filter((d) => d > 50).length,
  };
}

type Metrics = Record<string, number>;

async function mainThreadMetrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Runs `gesture` while recording requestAnimationFrame deltas and main-thread time in the page. */
async function recordFrames(page: Page, cdp: CDPSession, gesture: () => Promise<void>): Promise<FrameStats> {
  const before = await mainThreadMetrics(cdp);
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    let last: number | null = null;
    const tick = (t: number) => {
      if (last !== null) w.__frames.push(t - last);
      last = t;
      if (w.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await gesture();
  const deltas = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames;
  });
  const after = await mainThreadMetrics(cdp);
  const spent = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
  return {
    ...frameStats(deltas),
    mainThread: { script: spent('ScriptDuration'), layout: spent('LayoutDuration'), style: spent('RecalcStyleDuration'), task: spent('TaskDuration') },
  };
}

/** Mouse moves per gesture (each one a frame's worth of work for the page). */
const MOVES = 120;

function describeFrames(what: string, f: FrameStats): string {
  const main = f.mainThread
    ? `; main thread ${f.mainThread.task.toFixed(0)} ms busy, ${(f.mainThread.task / MOVES).toFixed(0)} ms per mouse move ` +
      `(script ${f.mainThread.script.toFixed(0)}, style ${f.mainThread.style.toFixed(0)}, layout ${f.mainThread.layout.toFixed(0)})`
    : '';
  return (
    `${what}: ${f.frames} frames in ${f.seconds.toFixed(1)} s, median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, ` +
    `max ${f.max.toFixed(1)} ms, ${f.long} over 50 ms${main}`
  );
}

/** A point of the pane with no node or edge under it (panning starts on empty canvas). */
async function emptyPanePoint(page: Page): Promise<{ x: number; y: number }> {
  const box = await page.locator('.react-flow__pane').boundingBox();
  if (!box) throw new Error('the canvas pane is not visible');
  const found = await page.evaluate(
    ({ x0, y0, w, h }) => {
      for (let y = y0 + 40; y < y0 + h - 40; y += 7) {
        for (let x = x0 + 40; x < x0 + w * 0.6; x += 13) {
          const el = document.elementFromPoint(x, y);
          if (el?.classList.contains('react-flow__pane')) return { x, y };
        }
      }
      return null;
    },
    { x0: box.x, y0: box.y, w: box.width, h: box.height },
  );
  if (!found) throw new Error('no empty spot on the canvas to start panning from');
  return found;
}

async function drag(page: Page, from: { x: number; y: number }, by: { x: number; y: number }, steps: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    // One move per frame or so, like a hand: the page gets time to draw between moves.
    await page.mouse.move(from.x + (by.x * i) / steps, from.y + (by.y * i) / steps);
    await page.waitForTimeout(8);
  }
  await page.mouse.up();
}

function distDir(): string {
  return process.env.BLOCKSMITH_RENDERER_DIST ?? path.join(REPO_ROOT, 'renderer/dist');
}

function skippedRows(reason: string): Row[] {
  return ['open nodes', 'pan frame p95', 'node drag frame p95'].map((benchmark) => ({
    suite: 'editor',
    benchmark,
    value: null,
    unit: 'ms',
    peerName: '',
    peerValue: null,
    ratio: null,
    ratioStyle: 'times' as const,
    goal: reason,
    verdict: 'n/a' as const,
  }));
}

export async function runEditorSuite(_addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const chromiumPath = process.env.BLOCKSMITH_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    log(`Chromium not found at ${chromiumPath}; set BLOCKSMITH_CHROMIUM`);
    return { rows: skippedRows('no Chromium'), figures: { skipped: 'no Chromium' } };
  }
  const root = distDir();
  // Like the browser tests: build when there is no build, or when asked to (BLOCKSMITH_E2E_BUILD=1).
  if (!existsSync(path.join(root, 'index.html')) || process.env.BLOCKSMITH_E2E_BUILD === '1') {
    log(`building the renderer into ${root}`);
    const build = spawnSync('npm', ['run', '--silent', 'build:renderer'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build:renderer failed');
  }
  const work = await mkdtemp(path.join(tmpdir(), 'blocksmith-bench-editor-'));
  // BLOCKSMITH_BENCH_EDITOR_NODES=200 runs the same at another size, to see how costs scale with it.
  const size = Number(process.env.BLOCKSMITH_BENCH_EDITOR_NODES ?? NODES);
  if (!Number.isInteger(size) || size < 10)
    throw new Error(`BLOCKSMITH_BENCH_EDITOR_NODES must be an integer ≥ 10, got ${process.env.BLOCKSMITH_BENCH_EDITOR_NODES}`);
  const doc = benchDocument(size);
  const file = path.join(work, `bench-${size}.json`);
  await writeFile(file, JSON.stringify(doc));
  const serving = await serve({ port: 0, root, log: () => undefined, warn: () => undefined });
  const profile = await mkdtemp(path.join(tmpdir(), 'blocksmith-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
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
  try {
    const page = await context.newPage();
    await page.goto(serving.web.url);
    // tsx compiles the functions given to page.evaluate with esbuild's keepNames, which calls a
    // __name helper that exists only in Node; the page gets a do-nothing one.
    await page.evaluate('window.__name = (f) => f');
    await page.getByTestId('palette-Dense').waitFor({ timeout: 30_000 });
    const repeats = options.quick ? 1 : 3;
    const loads: { nodesMs: number; shapesMs: number }[] = [];
    for (let r = 0; r < repeats; r++) {
      if (r > 0) {
        // Back to an empty document so each open starts from the same state.
        await fileMenu(page, 'New');
        await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 0);
      }
      await fileMenu(page, 'Open…');
      const input = page.getByLabel('File path');
      await input.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Error(`the renderer in ${root} has no path dialog (an old build?); rebuild it: BLOCKSMITH_E2E_BUILD=1 npm run bench -- --only=editor`);
      });
      await input.fill(file);
      await page.evaluate(() => {
        (window as unknown as { __t0: number }).__t0 = performance.now();
      });
      await input.press('Enter');
      const edges = doc.edges.length;
      // Loaded: the view is fitted to the new document and every node in view is in the DOM and
      // measured (React Flow hides nodes until then). Nodes out of view are not rendered
      // (onlyRenderVisibleElements), so "every node" would never hold.
      const nodesMs = await page
        .waitForFunction(
          () => {
            const w = window as unknown as { __t0: number };
            const ready = document.querySelector('[data-testid="canvas"]')?.getAttribute('data-view-ready') === 'true';
            const all = document.querySelectorAll('.react-flow__node');
            return ready && all.length > 0 && [...all].every((el) => (el as HTMLElement).style.visibility !== 'hidden') ? performance.now() - w.__t0 : 0;
          },
          null,
          { polling: 'raf', timeout: 120_000 },
        )
        .then((h) => h.jsonValue());
      // Shapes: every edge drawn carries its shape label.
      const shapesMs = await page
        .waitForFunction(
          () => {
            const w = window as unknown as { __t0: number };
            const drawn = document.querySelectorAll('.react-flow__edge').length;
            return drawn > 0 && document.querySelectorAll('[data-testid="edge-shape"]').length >= drawn ? performance.now() - w.__t0 : 0;
          },
          null,
          { polling: 'raf', timeout: 120_000 },
        )
        .then((h) => h.jsonValue());
      const inView = await page.evaluate(() => [document.querySelectorAll('.react-flow__node').length, document.querySelectorAll('.react-flow__edge').length]);
      loads.push({ nodesMs, shapesMs });
      log(
        `open ${doc.nodes.length} nodes / ${edges} edges: view ready ${nodesMs.toFixed(0)} ms, shapes on the edges in view ${shapesMs.toFixed(0)} ms (${inView[0]} nodes, ${inView[1]} edges in view)`,
      );
    }
    await page.waitForTimeout(500);

    // Edit → shapes: dense0's units typed in the inspector until its outgoing edge shows the new
    // width (the debounce, the one openDocument request and the re-render all count).
    await canvasNode(page, 'dense0').click();
    const unitsField = page
      .locator('.inspector .field')
      .filter({ has: page.locator('span:text-is("units *")') })
      .locator('input')
      .first();
    await unitsField.waitFor({ timeout: 10_000 });
    const edits: number[] = [];
    for (let r = 0; r < (options.quick ? 3 : 7); r++) {
      const units = 40 + r;
      await page.evaluate(() => {
        (window as unknown as { __t0: number }).__t0 = performance.now();
      });
      await unitsField.fill(String(units));
      const ms = await page
        .waitForFunction(
          (u) => {
            const w = window as unknown as { __t0: number };
            const labels = [...document.querySelectorAll('[data-testid="edge-shape"]')].map((e) => e.textContent ?? '');
            return labels.some((t) => t.endsWith(`, ${u})`)) ? performance.now() - w.__t0 : 0;
          },
          units,
          { polling: 'raf', timeout: 60_000 },
        )
        .then((h) => h.jsonValue());
      edits.push(ms);
    }
    log(`edit → shapes on ${doc.nodes.length} nodes: ${edits.map((m) => m.toFixed(0)).join(', ')} ms`);
    await page.keyboard.press('Escape');

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const start = await emptyPanePoint(page);
    const pan = await recordFrames(page, cdp, () => drag(page, start, { x: -600, y: -300 }, MOVES));
    log(describeFrames('pan', pan));

    // A node in view (the view moved with the pan): drag it by its header.
    const paneBox = (await page.locator('.react-flow__pane').boundingBox())!;
    const header = await page.locator('.layer-node-name').evaluateAll((els, b) => {
      for (const el of els) {
        const r = el.getBoundingClientRect();
        if (r.left > b.x + 50 && r.right < b.x + b.width * 0.6 && r.top > b.y + 50 && r.bottom < b.y + b.height - 250)
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
      return null;
    }, paneBox);
    if (!header) throw new Error('no node in view to drag');
    const nodeDrag = await recordFrames(page, cdp, () => drag(page, header, { x: 250, y: 120 }, MOVES));
    log(describeFrames('node drag', nodeDrag));

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const nodesMs = median(loads.map((l) => l.nodesMs));
    const shapesMs = median(loads.map((l) => l.shapesMs));
    const row = (benchmark: string, value: number, goal: string, ok: boolean, best?: number): Row => ({
      suite: 'editor',
      benchmark,
      value,
      ...(best === undefined ? {} : { best }),
      unit: 'ms',
      peerName: '',
      peerValue: null,
      ratio: null,
      ratioStyle: 'times',
      goal,
      verdict: verdict(ok),
    });
    const rows: Row[] = [
      row(`open ${doc.nodes.length} nodes: view ready`, nodesMs, `< ${LOAD_GOAL_MS} ms*`, nodesMs < LOAD_GOAL_MS, Math.min(...loads.map((l) => l.nodesMs))),
      row(
        `open ${doc.nodes.length} nodes: shapes in view`,
        shapesMs,
        `< ${LOAD_GOAL_MS} ms*`,
        shapesMs < LOAD_GOAL_MS,
        Math.min(...loads.map((l) => l.shapesMs)),
      ),
      row(`edit → shapes on ${doc.nodes.length} nodes (Chromium)`, median(edits), '', true, Math.min(...edits)),
      row('pan frame median', pan.median, '', true),
      row('pan frame p95', pan.p95, `< ${FRAME_GOAL_MS} ms*`, pan.p95 < FRAME_GOAL_MS),
      row('pan frame max', pan.max, '', true),
      row('node drag frame median', nodeDrag.median, '', true),
      row('node drag frame p95', nodeDrag.p95, `< ${FRAME_GOAL_MS} ms*`, nodeDrag.p95 < FRAME_GOAL_MS),
      row('node drag frame max', nodeDrag.max, '', true),
    ].map((r) => (r.goal === '' ? { ...r, verdict: 'info' as const } : r));
    return {
      rows,
      figures: { nodes: doc.nodes.length, edges: doc.edges.length, loads, edits, pan, nodeDrag, chromium: chromiumPath, viewport: '1440x900', headless: true },
    };
  } finally {
    await context.close();
    await serving.close();
    await rm(profile, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
}
