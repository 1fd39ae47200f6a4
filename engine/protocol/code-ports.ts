// The output ports a code block declares: `export const outputs = ['y', 'gate'];` in its source,
// read from the text (never by running it, so an untrusted document still draws its ports and
// validation knows them). Without the declaration a block has one port, `output`, and its
// forward returns one array; with it, forward returns a list of arrays in that order.
// Pure: the engine's graph layer and the editor's canvas read the same ports.

const DECLARATION = /^\s*export\s+const\s+outputs\s*(?::[^=\n]*)?=\s*\[([^\]]*)\]/m;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The declared output names (quoted identifiers, first of each kept), or ['output']. */
export function codeOutputNames(source: string): string[] {
  const m = DECLARATION.exec(source);
  if (!m) return ['output'];
  const names = [...m[1]!.matchAll(/(['"])([^'"]*)\1/g)].map((x) => x[2]!).filter((n) => NAME.test(n));
  const unique = [...new Set(names)];
  return unique.length > 0 ? unique : ['output'];
}
