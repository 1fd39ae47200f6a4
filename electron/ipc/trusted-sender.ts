// Decides whether an IPC message comes from our own page (Electron checklist #17): the sender
// frame's URL must parse and match the renderer's entry exactly (file:// builds) or share its
// origin (http:// dev hosts). Pure, so it is unit-tested without Electron.

export function isTrustedSenderUrl(senderUrl: string | undefined, rendererUrl: string): boolean {
  if (senderUrl === undefined || senderUrl === '') return false;
  let sender: URL;
  let expected: URL;
  try {
    sender = new URL(senderUrl);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (sender.protocol !== expected.protocol) return false;
  if (expected.protocol === 'file:') {
    // file:// URLs all share the opaque origin "null": compare the path itself.
    return sender.host === expected.host && sender.pathname === expected.pathname;
  }
  return sender.origin === expected.origin;
}
