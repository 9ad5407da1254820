import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// Static files the gateway serves: hashed assets under /assets (cached for a year), index.html,
// manifest and service worker at the root (never cached).
export default defineConfig({
  root: resolve(__dirname),
  base: '/',
  publicDir: resolve(__dirname, 'public'),
  build: {
    outDir: resolve(__dirname, '../../dist/apps/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
});
