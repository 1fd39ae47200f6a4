// ONNX import of a ~47 MB model (torchvision resnet18, random weights, exported by torch 1.13 with
// test/engine/import/torch-models.py): importOnnx (read, operators to kinds, structure recovery,
// parameter names from the built document) against onnxruntime-node creating a session on the
// same bytes. Goal (issue 17): a 50 MB model imports in under a few seconds (3 s here).
//   npm run bench -- --only=import
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { importOnnx } from '../../engine/import/onnx/onnx-import.ts';
import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import type { BenchOptions } from './options.ts';
import { ratioOf, REPO_ROOT, verdict, type Row } from './report.ts';

const GOAL_MS = 3000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runImportSuite(_addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blocksmith-bench-import-'));
  try {
    execFileSync('/usr/bin/python3', [path.join(REPO_ROOT, 'test/engine/import/torch-models.py'), dir, 'resnet18'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const bytes = readFileSync(path.join(dir, 'resnet18.onnx'));
    log(`resnet18.onnx: ${(bytes.length / 2 ** 20).toFixed(1)} MiB`);
    const reps = options.quick ? 2 : 5;
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < reps; i++) {
      let t = performance.now();
      importOnnx(bytes);
      ours.push(performance.now() - t);
      t = performance.now();
      await (await ort.InferenceSession.create(bytes)).release();
      theirs.push(performance.now() - t);
    }
    const value = median(ours);
    const peer = median(theirs);
    return {
      rows: [
        {
          suite: 'import',
          benchmark: `ONNX import resnet18 (${(bytes.length / 2 ** 20).toFixed(0)} MiB)`,
          value,
          best: Math.min(...ours),
          unit: 'ms',
          peerName: 'onnxruntime session',
          peerValue: peer,
          ratio: ratioOf(value, peer),
          ratioStyle: 'times',
          goal: `< ${GOAL_MS} ms`,
          verdict: verdict(value < GOAL_MS),
        },
      ],
      figures: { importMs: ours, onnxruntimeMs: theirs, bytes: bytes.length },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
