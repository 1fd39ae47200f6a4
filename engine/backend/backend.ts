// The engine's single handle on the native addon. Loaded lazily on first use so importing the
// engine never fails; tests may install a stand-in that implements the same contract.

import type { NativeAddon } from './native-addon.ts';
import { loadNativeAddon } from './native-loader.ts';

let addon: NativeAddon | null = null;

/** The addon every op calls; loads it on first use (throws the loader's actionable message). */
export function native(): NativeAddon {
  return addon ?? (addon = loadNativeAddon());
}

/** Replaces the addon (tests only: a reference implementation of the same contract). */
export function installAddon(replacement: NativeAddon): void {
  addon = replacement;
}
