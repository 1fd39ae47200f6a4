// Devices as MXNet names them: cpu(0), gpu(1). Creating gpu(i) never fails; using it does when
// the build or the machine has no GPU (E_NO_CUDA from the addon).

import { DEVICE_TYPE, type DeviceTypeCode } from '../backend/native-addon.ts';
import { native } from '../backend/backend.ts';

export type DeviceType = 'cpu' | 'gpu';

export class Device {
  readonly type: DeviceType;
  readonly id: number;
  readonly typeCode: DeviceTypeCode;
  private constructor(type: DeviceType, id: number) {
    this.type = type;
    this.id = id;
    this.typeCode = DEVICE_TYPE[type];
  }
  /** Interned: cpu(0) === cpu(0), so identity comparison is equality. */
  static get(type: DeviceType, id = 0): Device {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`${type}(${id}): device id must be a non-negative integer`);
    const key = `${type}(${id})`;
    let d = interned.get(key);
    if (!d) interned.set(key, (d = new Device(type, id)));
    return d;
  }
  equals(other: Device): boolean {
    return this === other;
  }
  toString(): string {
    return `${this.type}(${this.id})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const interned = new Map<string, Device>();

/** `cpu()` → cpu(0). */
export function cpu(id = 0): Device {
  return Device.get('cpu', id);
}

/** `gpu(1)` → gpu(1); not validated until an array is put there, as in MXNet. */
export function gpu(id = 0): Device {
  return Device.get('gpu', id);
}

/** Number of GPUs the addon can use (0 in a CPU-only build). */
export function numGpus(): number {
  return native().numGpus();
}

/** gpu(i) when it exists, else cpu() (the chapter's try_gpu). */
export function tryGpu(i = 0): Device {
  return numGpus() >= i + 1 ? gpu(i) : cpu();
}

/** All GPUs, or [cpu()] when there are none (the chapter's try_all_gpus). */
export function tryAllGpus(): Device[] {
  const n = numGpus();
  const out: Device[] = [];
  for (let i = 0; i < n; i++) out.push(gpu(i));
  return out.length ? out : [cpu()];
}

// MXNet keeps the default context in (thread-local) global state too; a JS engine is one thread.
let defaultDevice: Device | null = null;

/** The device new arrays go to when none is given (cpu(0) unless inside withDevice). */
export function currentDevice(): Device {
  return defaultDevice ?? (defaultDevice = cpu());
}

/** Runs fn with `device` as the default for new arrays (MXNet's `with mx.gpu(0):`). */
export function withDevice<T>(device: Device, fn: () => T): T {
  const prev = defaultDevice;
  defaultDevice = device;
  try {
    return fn();
  } finally {
    defaultDevice = prev;
  }
}
