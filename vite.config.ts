// Builds the renderer (renderer/ → renderer/dist). Relative asset paths so the same build loads
// from file:// in Electron and from the web host; the CSP meta tag is injected from
// renderer/content-security-policy.ts so there is one policy.
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from './renderer/content-security-policy.ts';

function contentSecurityPolicy(): Plugin {
  return {
    name: 'blocksmith-csp',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// BLOCKSMITH_RENDERER_DIST builds elsewhere (absolute path), so parallel test runs do not share one folder.
const outDir = process.env.BLOCKSMITH_RENDERER_DIST ?? 'dist';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [contentSecurityPolicy()],
  build: {
    outDir,
    emptyOutDir: true,
    // Never inline assets as data: scripts; keep the build CSP-friendly.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
