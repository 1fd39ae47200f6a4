// Picks the backend the engine tests run on: the native addon (default) or, with
// ENGINE_TEST_BACKEND=reference, the pure-TS test double of the same contract.
// Import this first in every engine test file.

import { installAddon } from '../../../engine/backend/backend.ts';
import { createReferenceAddon } from './reference-addon.ts';

export const TEST_BACKEND: 'native' | 'reference' = process.env.ENGINE_TEST_BACKEND === 'reference' ? 'reference' : 'native';

if (TEST_BACKEND === 'reference') installAddon(createReferenceAddon());
