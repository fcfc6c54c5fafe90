import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Built into dist/ and served by apollo at /console: every asset is same-origin, nothing comes
// from a CDN, and nothing is inlined (apollo's CSP allows no inline script or style).
export default defineConfig({
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
