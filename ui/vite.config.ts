// Builds the dashboard into dist/ui, which the controller serves at / (controller/api/static-ui.ts).
// Assets get content hashes in their names (cached for good); nothing is loaded from elsewhere.
// `npx vite --config ui/vite.config.ts` serves it for development against a controller on :5001.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  // Vite 8 transforms with Oxc: JSX compiled for Preact's automatic runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/apis': { target: 'http://127.0.0.1:5001', ws: true } },
  },
});
