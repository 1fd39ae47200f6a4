// A stand-in addon with two simulated GPUs, for checking the ENGINE's device plumbing on machines
// without one (CI): gpu(i) buffers are cpu memory tagged with their device, every call that mixes
// devices fails with E_DEVICE_MISMATCH as the real addon does, and copyBytes moves data between
// "devices". It proves nothing about CUDA kernels (cuda-ops.test.ts compares those on a real GPU);
// it proves that creation, copyto, asInContext, initialize({device}), parameters on several
// devices, backward and saving reach the addon with the right devices.
import type { NativeAddon, NativeBuffer } from '../../../engine/backend/native-addon.ts';

interface Tag {
  type: 1 | 2;
  id: number;
}

export const SIMULATED_GPUS = 2;

export function simulatedGpuAddon(real: NativeAddon): NativeAddon {
  const tags = new WeakMap<object, Tag>();
  const name = (t: Tag): string => `${t.type === 1 ? 'cpu' : 'gpu'}(${t.id})`;
  const fail = (code: string, message: string): never => {
    const e = new Error(message) as Error & { code: string };
    e.code = code;
    throw e;
  };
  // Every buffer argument of one call must share a device (copyBytes is the exception).
  const checkSame = (kernel: string, args: unknown[]): void => {
    let first: Tag | undefined;
    for (const a of args) {
      const t = typeof a === 'object' && a !== null ? tags.get(a) : undefined;
      if (!t) continue;
      if (!first) first = t;
      else if (first.type !== t.type || first.id !== t.id)
        fail('E_DEVICE_MISMATCH', `${kernel}: buffers live on different devices: ${name(first)} and ${name(t)}`);
    }
  };
  const sim: Partial<NativeAddon> = {
    numGpus: () => SIMULATED_GPUS,
    capabilities: () => ({ ...real.capabilities(), cuda: true, cudaReason: '', gpus: [] }),
    alloc(deviceType, deviceId, byteLength) {
      if (deviceType === 2 && deviceId >= SIMULATED_GPUS)
        fail('E_NO_CUDA', `alloc: gpu(${deviceId}) does not exist; this machine has ${SIMULATED_GPUS} GPU(s)`);
      const b = real.alloc(1, 0, byteLength);
      tags.set(b as object, { type: deviceType as 1 | 2, id: deviceId });
      return b;
    },
    bufferInfo(buf) {
      const t = tags.get(buf as object)!;
      return { ...real.bufferInfo(buf), deviceType: t.type, deviceId: t.id };
    },
    copyBytes: (...args) => real.copyBytes(...args),
  };
  return new Proxy(real, {
    get(target, prop: keyof NativeAddon) {
      if (prop in sim) return sim[prop];
      const f = target[prop] as unknown;
      if (typeof f !== 'function') return f;
      return (...args: unknown[]) => {
        checkSame(String(prop), args);
        return (f as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as NativeAddon;
}

export type { NativeBuffer };
