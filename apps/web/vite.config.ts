import { defineConfig } from 'vite';
import { resolve } from 'node:path';
import { swPrecache } from './sw-precache.plugin';

// Static files the gateway serves: hashed assets under /assets (cached for a year), index.html,
// manifest and service worker at the root (never cached).
export default defineConfig({
  root: resolve(__dirname),
  base: '/',
  publicDir: resolve(__dirname, 'public'),
  plugins: [
    swPrecache(resolve(__dirname, 'sw/service-worker.js'), [
      '/manifest.webmanifest',
      '/icons/icon.svg',
      '/icons/icon-192.png',
      '/icons/icon-512.png',
    ]),
  ],
  build: {
    outDir: resolve(__dirname, '../../dist/apps/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
});
