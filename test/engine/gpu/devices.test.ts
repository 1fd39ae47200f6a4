// The engine device suite on the machine's real GPUs (gpu(0), and gpu(1) when present). Skipped
// with the addon's reason when numGpus() is 0; `npm run test:gpu` (BLOCKSMITH_REQUIRE_GPU=1)
// turns that skip into a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpu, numGpus } from '../../../engine/index.ts';
import { native } from '../../../engine/backend/backend.ts';
import { defineDeviceSuite } from './device-suite.ts';

const n = numGpus();
const skip = n > 0 ? false : `no GPU: ${native().capabilities().cudaReason || 'numGpus() is 0'}`;
if (skip && process.env.BLOCKSMITH_REQUIRE_GPU === '1') test('a GPU is required (BLOCKSMITH_REQUIRE_GPU=1)', () => assert.fail(skip));
defineDeviceSuite(n > 1 ? [gpu(0), gpu(1)] : [gpu(0)], skip);
