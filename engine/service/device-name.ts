// Device names on the wire ('cpu', 'cpu:0', 'gpu:1') ↔ engine Devices. Asking for a GPU the
// engine does not have fails here, with the addon's reason, before any work starts.
import { cpu, gpu, numGpus, type Device } from '../index.ts';
import { native } from '../backend/backend.ts';
import { serviceErrors } from './service-errors.ts';

export function deviceName(device: Device): string {
  return `${device.type}:${device.id}`;
}

/** Why there is no GPU, or null when there is one. */
export function gpuUnavailableReason(): string | null {
  if (numGpus() > 0) return null;
  return native().capabilities().cudaReason || 'no CUDA device was found';
}

export function parseDevice(name: string | undefined, field = 'device'): Device {
  if (name === undefined) return cpu();
  const match = /^(cpu|gpu)(?::(\d+))?$/.exec(name);
  if (!match) throw serviceErrors.notADevice(field, name);
  const index = Number(match[2] ?? 0);
  if (match[1] === 'cpu') {
    if (index !== 0) throw serviceErrors.oneCpu(field, name);
    return cpu();
  }
  const count = numGpus();
  if (index >= count) {
    throw serviceErrors.noGpu(field, name, count === 0 ? (gpuUnavailableReason() ?? '') : serviceErrors.gpuCount(count));
  }
  return gpu(index);
}
