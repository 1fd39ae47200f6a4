// Synthetic data sets with a known answer: d2l's synthetic_data (linear regression with known
// weights) and two interleaved spirals (a two-class problem no linear model can solve).

import { makeDataset, type Dataset } from './dataset.ts';
import { Rng } from './rng.ts';

export interface LinearOptions {
  /** True weights (default d2l's [2, -3.4]). */
  weights?: readonly number[];
  /** True bias (default 4.2). */
  bias?: number;
  samples?: number;
  /** Standard deviation of the label noise (default 0.01). */
  noise?: number;
  seed?: number;
}

/** X ~ N(0, 1), y = Xw + b + N(0, noise²): d2l's synthetic_data(true_w, true_b, num_examples). */
export function syntheticLinear(options: LinearOptions = {}): Dataset {
  const w = options.weights ?? [2, -3.4];
  const b = options.bias ?? 4.2;
  const n = options.samples ?? 1000;
  const noise = options.noise ?? 0.01;
  const rng = new Rng(options.seed ?? 0);
  const features = new Float32Array(n * w.length);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let y = b;
    for (let j = 0; j < w.length; j++) {
      const x = rng.normal();
      features[i * w.length + j] = x;
      y += x * w[j]!;
    }
    labels[i] = y + noise * rng.normal();
  }
  return makeDataset({ name: 'linear', features, featureShape: [w.length], labels, labelShape: [1], task: 'regression' });
}

export interface SpiralOptions {
  /** Points per class (default 500). */
  perClass?: number;
  /** Turns of each arm (default 1.5). */
  turns?: number;
  /** Standard deviation of the positional noise (default 0.05). */
  noise?: number;
  seed?: number;
}

/** Two spiral arms, class 0 and class 1 rotated by π; points in roughly [-1, 1]². */
export function twoSpirals(options: SpiralOptions = {}): Dataset {
  const per = options.perClass ?? 500;
  const turns = options.turns ?? 1.5;
  const noise = options.noise ?? 0.05;
  const rng = new Rng(options.seed ?? 0);
  const features = new Float32Array(2 * per * 2);
  const labels = new Float32Array(2 * per);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < per; i++) {
      const t = (i + 0.5) / per; // radius 0..1 along the arm
      const angle = t * turns * 2 * Math.PI + c * Math.PI;
      const row = c * per + i;
      features[row * 2] = t * Math.cos(angle) + noise * rng.normal();
      features[row * 2 + 1] = t * Math.sin(angle) + noise * rng.normal();
      labels[row] = c;
    }
  }
  return makeDataset({ name: 'spirals', features, featureShape: [2], labels, labelShape: [], task: 'classification' });
}
