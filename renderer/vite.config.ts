// Builds the renderer into renderer/dist. Relative base so the same build loads from the browser
// host (http://127.0.0.1) and from the desktop shell. Vite's own transform handles TSX with the
// automatic runtime from tsconfig ("jsx": "react-jsx"); no plugin is needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Scripts stay external files: the CSP allows no inline script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  server: { host: '127.0.0.1', strictPort: true },
});
