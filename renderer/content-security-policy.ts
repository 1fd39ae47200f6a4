// The page's Content-Security-Policy (Electron checklist #7), in one place: the Vite build writes
// it into index.html, and the Electron window and the web host also send it as a header.
// Scripts and styles come only from the app itself (so the build must have no inline scripts);
// connections go only back to it (the engine API will be a WebSocket on the same host).
const directives = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** For a <meta http-equiv> tag (browsers ignore frame-ancestors there). */
export const CONTENT_SECURITY_POLICY_META = directives.join('; ');

/** For the Content-Security-Policy response header. */
export const CONTENT_SECURITY_POLICY = [...directives, "frame-ancestors 'none'"].join('; ');
