// The CLI's side of code trust: a document's code blocks run only with --trust. Without it the
// command stops before running anything and names the nodes that hold code.

interface Opened {
  code?: { name: string; blockId: string | null; trusted: boolean }[];
}

/** The message for a document whose code is not trusted, or null when it may run. */
export function untrustedCodeMessage(file: string, opened: Opened): string | null {
  const untrusted = (opened.code ?? []).filter((c) => !c.trusted);
  if (untrusted.length === 0) return null;
  const names = untrusted.map((c) => (c.blockId ? `${c.name} (in block ${c.blockId})` : c.name)).join(', ');
  return `${file} contains code (${names}); read it, then run again with --trust to let it run (sandboxed).`;
}
