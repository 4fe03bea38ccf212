import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { editorVendorCspFixes } from './src/editors/vendor-csp-fixes.js';

const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** The Panel: built into panel/dist, served by the Flotilla server at `/`. */
export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), editorVendorCspFixes()],
  build: {
    outDir: `${here}dist`,
    emptyOutDir: true,
    // the server's CSP allows no inline script or style, so nothing may be inlined as a data: module
    assetsInlineLimit: 0,
    sourcemap: false,
    // the largest chunk is Swagger UI (~1.5 MB, ~400 kB gzipped), fetched only by a key's API docs page
    chunkSizeWarningLimit: 1600,
  },
  server: {
    // `npx vite --config panel/vite.config.ts` during development, with the API on the default port
    proxy: { '/panel/api': 'http://127.0.0.1:3000', '/image': 'http://127.0.0.1:3000' },
  },
});
