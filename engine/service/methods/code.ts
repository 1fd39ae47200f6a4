// checkCode: a code block's type and syntax errors (engine/sandbox/type-check.ts), for the code
// editor's inline marks. Type checking runs nothing, so an untrusted source is checked all the same.
import { checkCodeTypes } from '../../sandbox/type-check.ts';
import type { Handler } from '../dispatcher.ts';

export const checkCode: Handler<'checkCode'> = ({ source }) => ({ diagnostics: checkCodeTypes(source) });
