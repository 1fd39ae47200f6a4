// The engine device suite on two SIMULATED GPUs (simulated-gpu.ts): cpu memory tagged gpu(0) and
// gpu(1). It runs everywhere, CI included, and checks the engine side of devices (every gpu(i)
// path reaches the addon with the right device, mixing devices throws, saving copies to the
// host); the CUDA kernels themselves are compared with the CPU by test/native/cuda-ops.test.ts.
import { installAddon } from '../../../engine/backend/backend.ts';
import { loadNativeAddon } from '../../../engine/backend/native-loader.ts';
import { gpu } from '../../../engine/index.ts';
import { simulatedGpuAddon } from './simulated-gpu.ts';
import { defineDeviceSuite } from './device-suite.ts';

installAddon(simulatedGpuAddon(loadNativeAddon()));
defineDeviceSuite([gpu(0), gpu(1)], false);
