// Parameter: a named array (one copy per device) with its gradient, shape (-1 for dims not yet
// known), dtype, init and gradReq, in one of three states: uninitialized, deferred (initialize()
// was called but the shape waits for the first batch) and initialized. Reading data in the first
// two states raises distinct errors, as Gluon does.

import type { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import { cpu, currentDevice, type Device } from '../ndarray/device.ts';
import type { DType } from '../ndarray/dtype.ts';
import type { GradReq } from '../autograd/backward.ts';
import { autograd } from '../autograd/index.ts';
import { Uniform } from '../init/basic-initializers.ts';
import { createInitializer, type InitSpec } from '../init/registry.ts';
import { DeferredInitError, ModelError, modelErrors, pyTuple } from './model-errors.ts';
import { warn } from './model-warnings.ts';

export type ParamState = 'uninitialized' | 'deferred' | 'initialized';

export interface ParameterOptions {
  /** Dims given as 0 or -1 are unknown until the first batch (deferred initialization). */
  shape?: number | readonly number[] | null;
  /** Given → printed as `dtype=float32`; omitted → float32, printed as numpy's `<class 'numpy.float32'>`. */
  dtype?: DType;
  /** This parameter's own init; it wins over the block-level one passed to initialize(). */
  init?: InitSpec | null;
  gradReq?: GradReq;
  allowDeferredInit?: boolean;
  lrMult?: number;
  wdMult?: number;
  /**
   * False for state a layer updates itself (BatchNorm's running_mean / running_var, Gluon's
   * differentiable=False): no gradient, never touched by the optimizer, saved with the others.
   */
  differentiable?: boolean;
}

export interface InitializeOptions {
  /** One device or several (identical independent copies); default the current device (cpu(0)). */
  device?: Device | readonly Device[];
  /** The block-level init, used when neither the call nor the parameter names one (default Uniform(0.07)). */
  defaultInit?: InitSpec;
  /** Re-initialize even when already initialized (otherwise a warning and the values are kept). */
  forceReinit?: boolean;
}

interface Deferred {
  init: InitSpec;
  devices: Device[];
  defaultInit: InitSpec;
  data: NDArray | null;
}

export function toShape(shape: number | readonly number[] | null | undefined): number[] | null {
  if (shape === null || shape === undefined) return null;
  const dims = typeof shape === 'number' ? [shape] : [...shape];
  return dims.map((d) => (d === 0 || d === -1 ? -1 : d));
}

export function devicesOf(device: Device | readonly Device[] | undefined): Device[] {
  if (device === undefined) return [currentDevice()];
  return Array.isArray(device) ? [...(device as Device[])] : [device as Device];
}

export class Parameter {
  readonly name: string;
  dtype: DType;
  init: InitSpec | null;
  allowDeferredInit: boolean;
  lrMult: number;
  wdMult: number;
  protected readonly dtypeGiven: boolean;
  protected _gradReq: GradReq;
  /** False for running statistics (see ParameterOptions.differentiable). */
  readonly differentiable: boolean;
  private _shape: number[] | null;
  private _data: NDArray[] | null = null;
  private _devices: Device[] = [];
  private _deferred: Deferred | null = null;

  constructor(name: string, options: ParameterOptions = {}) {
    this.name = name;
    this._shape = toShape(options.shape);
    this.dtypeGiven = options.dtype !== undefined;
    this.dtype = options.dtype ?? 'float32';
    this.init = options.init ?? null;
    this.allowDeferredInit = options.allowDeferredInit ?? false;
    this.lrMult = options.lrMult ?? 1;
    this.wdMult = options.wdMult ?? 1;
    this.differentiable = options.differentiable ?? true;
    const req = this.differentiable ? (options.gradReq ?? 'write') : 'null';
    if (req !== 'write' && req !== 'add' && req !== 'null') throw modelErrors.gradReq(name, req);
    this._gradReq = req;
  }

  get state(): ParamState {
    return this._data ? 'initialized' : this._deferred ? 'deferred' : 'uninitialized';
  }

  /** A copy of the shape, -1 for unknown dims; null when not even the rank is known. */
  get shape(): number[] | null {
    return this._shape ? [...this._shape] : null;
  }

  /** Fills unknown dims; known dims and the rank must agree (Gluon's shape setter). */
  set shape(next: number[] | null) {
    const s = toShape(next);
    if (s === null) return;
    const old = this._shape;
    if (old && (old.length !== s.length || old.some((d, i) => d !== -1 && d !== s[i]))) {
      throw modelErrors.incompatibleShape(this.name, pyTuple(s), pyTuple(old));
    }
    this._shape = s;
  }

  get shapeIsKnown(): boolean {
    return this._shape !== null && this._shape.every((d) => d > 0);
  }

  get gradReq(): GradReq {
    return this._gradReq;
  }

  /** 'null' drops the gradient buffers; switching back allocates new zero ones. */
  set gradReq(req: GradReq) {
    if (req !== 'write' && req !== 'add' && req !== 'null') throw modelErrors.gradReq(this.name, req);
    if (!this.differentiable) return; // running statistics never get a gradient (Gluon ignores it too)
    if (req === this._gradReq) return;
    this._gradReq = req;
    for (const d of this._data ?? []) d.attachGrad(req);
  }

  /**
   * Initializes now, or records the request when the shape is still unknown (deferred).
   * The init used is `init`, else this parameter's own, else options.defaultInit (Uniform(0.07)).
   */
  initialize(init?: InitSpec | null, options: InitializeOptions = {}): void {
    if (this._data && !options.forceReinit) {
      warn(`Parameter '${this.name}' is already initialized, ignoring. Set forceReinit: true to re-initialize.`);
      return;
    }
    const defaultInit = options.defaultInit ?? new Uniform();
    const chosen = init ?? this.init ?? defaultInit;
    this._data = null;
    this._deferred = { init: chosen, devices: devicesOf(options.device), defaultInit, data: null };
    if (this.shapeIsKnown) {
      this.finishDeferredInit();
      return;
    }
    if (!this.allowDeferredInit) {
      this._deferred = null;
      throw modelErrors.invalidShape(this.name, this.describeShape());
    }
  }

  /** @internal Completes a deferred initialization once the shape is known (called by blocks). */
  finishDeferredInit(): void {
    const pending = this._deferred;
    if (!pending) return;
    if (!this.shapeIsKnown) {
      throw modelErrors.invalidShape(
        this.name,
        this.describeShape(),
        ' Please specify inUnits (or in_channels etc.) for the layer, or run a batch through it first.',
      );
    }
    autograd.pause(() => {
      let host = pending.data;
      if (!host) {
        // Gluon draws on the CPU and copies to each device, so every device sees the same values.
        host = np.zeros(this._shape!, { dtype: this.dtype, device: cpu() });
        createInitializer(pending.defaultInit).apply({ name: this.name, init: createInitializer(pending.init) }, host);
      }
      this.setArrays(host, pending.devices);
    });
    this._deferred = null;
  }

  private setArrays(host: NDArray, devices: readonly Device[]): void {
    const src = host.dtype === this.dtype ? host : host.astype(this.dtype);
    this._devices = [...devices];
    this._data = devices.map((d) => src.copyto(d));
    for (const a of this._data) a.attachGrad(this._gradReq);
  }

  /** The array on `device` (or the only copy). Throws DeferredInitError / an uninitialized error. */
  data(device?: Device): NDArray {
    const arrays = this.checkInitialized();
    if (device === undefined && arrays.length === 1) return arrays[0]!;
    const want = device ?? currentDevice();
    const i = this._devices.indexOf(want);
    if (i < 0) throw modelErrors.notOnDevice(this.name, String(want), this._devices.map(String));
    return arrays[i]!;
  }

  /** Every copy, in the order of the devices given to initialize(). */
  listData(): NDArray[] {
    return [...this.checkInitialized()];
  }

  grad(device?: Device): NDArray {
    if (this._gradReq === 'null') throw modelErrors.noGrad(this.name);
    return this.data(device).grad!;
  }

  listGrad(): NDArray[] {
    if (this._gradReq === 'null') throw modelErrors.noGrad(this.name);
    return this.listData().map((d) => d.grad!);
  }

  listDevices(): Device[] {
    if (this._data) return [...this._devices];
    if (this._deferred) return [...this._deferred.devices];
    throw modelErrors.uninitialized(this.name);
  }

  /** Writes `value` into every copy (or stashes it while initialization is deferred). */
  setData(value: NDArray): void {
    this.shape = [...value.shape];
    if (this._deferred) {
      this._deferred.data = value;
      return;
    }
    for (const d of this.checkInitialized()) value.copyto(d);
  }

  zeroGrad(): void {
    if (!this._data || this._gradReq === 'null') return;
    for (const d of this._data) d.grad!.set(null, 0);
  }

  /** Moves the values to other devices (MXNet reset_ctx). */
  resetDevice(device: Device | readonly Device[]): void {
    const devices = devicesOf(device);
    if (this._data) this.setArrays(this._data[0]!, devices);
    else if (this._deferred) this._deferred.devices = devices;
    else throw modelErrors.uninitialized(this.name);
  }

  /** @internal loadParameters: initialize from file data (shape already merged), or write into existing copies. */
  loadData(value: NDArray, device?: Device | readonly Device[]): void {
    this.checkLoadDevice(device);
    this.shape = [...value.shape];
    if (this._data && this._data[0]!.dtype === this.dtype) {
      for (const d of this._data) value.copyto(d);
      return;
    }
    // New arrays when uninitialized, or when loading re-dtyped the parameter (dtypeSource 'saved').
    const devices = this._data ? this._devices : device !== undefined ? devicesOf(device) : (this._deferred?.devices ?? [cpu()]);
    autograd.pause(() => this.setArrays(value, devices));
    this._deferred = null;
  }

  /** @internal An initialized parameter loads only onto the devices it already lives on. */
  checkLoadDevice(device: Device | readonly Device[] | undefined): void {
    if (!this._data || device === undefined) return;
    const want = devicesOf(device);
    if (want.length !== this._devices.length || want.some((d) => !this._devices.includes(d))) {
      throw new ModelError(
        'E_LOAD_DEVICE',
        `Failed to load Parameter '${this.name}' on ${want.join(', ')} because ` +
          `it was initialized on ${this._devices.join(', ')}. Load without {device}, or call resetDevice first.`,
        [this.name],
      );
    }
  }

  protected describeShape(): string {
    return this._shape ? pyTuple(this._shape) : 'None';
  }

  protected dtypeRepr(): string {
    return this.dtypeGiven ? this.dtype : `<class 'numpy.${this.dtype}'>`;
  }

  toString(): string {
    return `Parameter ${this.name} (shape=${this.describeShape()}, dtype=${this.dtypeRepr()})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  private checkInitialized(): NDArray[] {
    if (this._data) return this._data;
    if (this._deferred) throw new DeferredInitError(this.name);
    throw modelErrors.uninitialized(this.name);
  }
}
