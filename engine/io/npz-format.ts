// NumPy's .npz: a ZIP archive of `name.npy` entries (np.savez stores them, np.savez_compressed
// deflates them). Positional arrays are named arr_0, arr_1, ... as numpy names them.
import { IoError } from './io-error';
import type { ArrayCollection, DecodeOptions, HostTensor } from './host-tensor';
import { readNpy, writeNpy } from './npy-format';
import { writeZip, zipEntries } from './zip-archive';

export interface NpzReadOptions extends DecodeOptions {
  maxBytes?: number;
}

/**
 * Read an .npz. Returns a list when the entries are exactly arr_0.npy ... arr_{n-1}.npy in that
 * order (what `np.savez(f, a, b)` writes), otherwise a dict in archive order.
 * Example: `readNpz(fs.readFileSync('w.npz'), 'w.npz')`.
 */
export function readNpz(bytes: Uint8Array, file: string, opts: NpzReadOptions = {}): ArrayCollection {
  const zip = zipEntries(bytes, file, opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes });
  const names = new Set(zip.names);
  const entries: [string, HostTensor][] = [];
  // One entry at a time: each is inflated, decoded and dropped before the next is inflated.
  for (const z of zip) {
    if (!z.name.endsWith('.npy')) {
      throw new IoError('E_FILE_FORMAT', { file, entry: z.name }, 'is not a .npy entry; an .npz holds only name.npy arrays');
    }
    const name = z.name.slice(0, -4);
    const sparse = /^(.*)\/(data|indices|indptr|format|shape)$/.exec(name);
    if (sparse && names.has(`${sparse[1]}/format.npy`)) {
      // MXNet 2.0 stores a sparse array as key/{data,indices,indptr,shape,format}.npy.
      throw new IoError('E_FILE_UNSUPPORTED', { file, entry: z.name }, `'${sparse[1]}' is a sparse array: sparse arrays are not supported`);
    }
    entries.push([name, readNpy(z.data, file, { ...opts, entry: z.name })]);
  }
  if (entries.length > 0 && entries.every(([name], i) => name === `arr_${i}`)) {
    return { kind: 'list', arrays: entries.map(([, t]) => t) };
  }
  return { kind: 'dict', entries };
}

/** Encode arrays as an .npz (stored like np.savez, or deflated like np.savez_compressed). */
export function writeNpz(content: ArrayCollection, opts: { compress?: boolean; file?: string } = {}): Uint8Array {
  const file = opts.file ?? 'npz file';
  const named: [string, HostTensor][] = content.kind === 'list' ? content.arrays.map((t, i) => [`arr_${i}`, t]) : content.entries;
  const seen = new Set<string>();
  const zipEntries = named.map(([name, t]) => {
    if (seen.has(name)) throw new IoError('E_FILE_CONTENT', { file }, `name '${name}' appears twice`);
    seen.add(name);
    if (name === '' || name.split('/').includes('..') || name.startsWith('/')) {
      throw new IoError('E_FILE_CONTENT', { file }, `name '${name}' cannot be an archive entry (empty, absolute or containing '..')`);
    }
    return { name: `${name}.npy`, data: writeNpy(t, file, `array '${name}'`) };
  });
  return writeZip(zipEntries, { compress: opts.compress ?? false });
}
