// Who may talk to the web host. A page on another site (foreign Origin) or a DNS-rebinding page
// (our IP behind someone else's name, so a foreign Host header) is refused, and the engine's
// socket also needs the random token the host printed. Pure functions, unit-tested directly.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { networkInterfaces } from 'node:os';

/** A fresh 32-byte token, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares in constant time, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The Host header values we answer to: the loopback names on our port, plus the name we were
 * told to listen on. Anything else is a rebinding attempt (or a misconfigured proxy).
 */
export function allowedHostHeaders(listenHost: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  if (listenHost === '0.0.0.0' || listenHost === '::') {
    // Listening everywhere: this machine's own addresses are the names people will type.
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bracket(a.address));
  } else {
    names.add(bracket(listenHost.toLowerCase()));
  }
  return new Set([...names].map((name) => `${name}:${port}`));
}

export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  return hostHeader !== undefined && allowed.has(hostHeader.toLowerCase());
}

/**
 * Browsers always send Origin on WebSocket handshakes; it must be our own page's origin. Clients
 * that are not browsers (the CLI, tests) send none — they cannot be driven by a web page, and
 * they still need the token.
 */
export function originAllowed(origin: string | undefined, allowedHosts: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && allowedHosts.has(url.host.toLowerCase()) && `${url.protocol}//${url.host}` === origin.toLowerCase();
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
