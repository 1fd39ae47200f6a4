// Browser test of the Training tab's PyTorch job section, against the real web host and engine:
// export the MNIST MLP's training as a job directory, start it with torchrun from the editor
// (Debian's PyTorch, CPU), and follow the directory: the loss chart draws the job's points, the
// per-epoch chart its validation, the state ends 'finished' and the latest checkpoint is named.
// Skipped where Chromium is missing (editor-harness) or /usr/bin/python3 has no torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { readArrayFileInfo } from '../../engine/io/array-file.ts';
import type { HostTensor } from '../../engine/io/host-tensor.ts';
import { canvasNode, editorSuite, skip } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'torch-job-e2e' });
const page = suite.page;
const torchMissing = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0 ? false : '/usr/bin/python3 has no torch';
const torchrunMissing = spawnSync('sh', ['-c', 'command -v torchrun'], { encoding: 'utf8' }).status === 0 ? false : 'torchrun is not on PATH';

async function setField(p: Page, label: string, value: string) {
  const field = p.getByTestId('training-settings').getByLabel(label, { exact: true });
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

test(
  "export the MNIST MLP as a PyTorch job, start it with torchrun and follow it: the loss curve is the job's",
  { skip: skip || torchMissing || torchrunMissing, timeout: 300_000 },
  async () => {
    const p = page();
    await p.getByLabel('Open example').selectOption('mnist-mlp');
    await canvasNode(p, 'dense0').waitFor();
    await p.getByRole('tab', { name: /Training/ }).click();
    await p.getByTestId('training-panel').waitFor();
    await setField(p, 'data', 'mnist');
    await setField(p, 'samples', '2000');
    await setField(p, 'learning rate', '0.1');
    await setField(p, 'batch size', '32');
    await setField(p, 'epochs', '2');

    const job = path.join(suite.dir(), 'job');
    const section = p.getByTestId('torch-job');
    await section.getByLabel('Job directory').fill(job);
    await section.getByLabel('Processes').fill('1');
    await section.getByRole('button', { name: 'Export training job' }).click();
    await section.getByTestId('torch-job-report').waitFor({ timeout: 60_000 });
    assert.match((await section.getByTestId('torch-job-report').textContent()) ?? '', /1600 training, 400 validation samples/);
    const settings = JSON.parse(await readFile(path.join(job, 'job.json'), 'utf8')) as { epochs: number; batch_size: number };
    assert.deepEqual([settings.epochs, settings.batch_size], [2, 32], "the job carries the form's settings");

    await section.getByRole('button', { name: 'Start with torchrun' }).click();
    // The job's own log drives the charts: 100 steps (2 epochs of 50), then its end line.
    await p.waitForFunction(() => document.querySelector('[data-testid="training-state"]')?.textContent === 'finished', null, { timeout: 240_000 });
    const log = (await readFile(path.join(job, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; step?: number });
    const logged = log.filter((l) => l.kind === 'step').map((l) => l.step);
    const chart = p.getByTestId('loss-chart');
    assert.equal(Number(await chart.getAttribute('data-points')), logged.length);
    assert.equal(Number(await chart.getAttribute('data-last-x')), logged.at(-1));
    assert.equal(Number(await chart.getAttribute('data-last-x')), 100);
    assert.equal(Number(await p.getByTestId('epoch-chart').getAttribute('data-points')), 2);
    assert.match((await section.getByTestId('torch-job-summary').textContent()) ?? '', /finished · 1 process · checkpoint step 100/);
    assert.ok((await stat(path.join(job, 'checkpoints', 'checkpoint-step100.safetensors'))).size > 0);

    // The parameter panel shows the checkpoint's values (loaded into the document's model).
    const { content } = await readArrayFileInfo(path.join(job, 'checkpoints', 'checkpoint-step100.safetensors'));
    const bias = (content as Record<string, HostTensor>).dense1_bias!.data as Float32Array;
    await p.getByRole('tab', { name: /Parameters/ }).click();
    await p.getByTestId('param-table').locator('tr[data-param="dense1_bias"]').getByRole('button', { name: 'dense1_bias', exact: true }).click();
    const shown = await p
      .getByTestId('tensor-table')
      .locator('td[data-cell]')
      .evaluateAll((cells) => cells.map((c) => Number(c.textContent)));
    assert.equal(shown.length, 10);
    shown.forEach((v, i) =>
      assert.ok(Math.abs(v - bias[i]!) <= 1e-3 * Math.max(1, Math.abs(bias[i]!)), `dense1_bias[${i}]: panel ${v}, checkpoint ${bias[i]}`),
    );
    await p.getByRole('tab', { name: /Training/ }).click();

    // Following again from scratch (as a directory synced from a cluster would be) draws the same curve.
    await section.getByRole('button', { name: 'Stop following' }).click();
    await section.getByRole('button', { name: 'Follow job directory' }).click();
    await p.waitForFunction((n) => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) === n, logged.length);
  },
);
