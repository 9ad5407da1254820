import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

/**
 * Emits /sw.js from `template` with this build's file list and id filled in: the worker caches
 * exactly the files of the build that registered it (hashed chunks included, even tabs not yet
 * opened), so the shell works offline after the first visit, and a deploy replaces it whole.
 */
export function swPrecache(template: string, extra: string[]): Plugin {
  return {
    name: 'nitro-sw-precache',
    apply: 'build',
    // After Vite's own generateBundle (which drops CSS-only JS chunks), so only files that are written get listed.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        // KaTeX ships each font three ways; browsers here take woff2, so .woff/.ttf are not precached.
        .filter((f) => !f.endsWith('.map') && f !== 'sw.js' && !/\.(woff|ttf)$/.test(f))
        .map((f) => `/${f}`);
      const list = ['/', ...new Set([...files.filter((f) => f !== '/index.html'), ...extra])].sort();
      const hash = createHash('sha256');
      for (const f of Object.keys(bundle).sort()) {
        const item = bundle[f];
        hash.update(f).update(item.type === 'chunk' ? item.code : typeof item.source === 'string' ? item.source : Buffer.from(item.source));
      }
      const source = readFileSync(template, 'utf8')
        .replace('__NITRO_BUILD__', hash.digest('hex').slice(0, 12))
        .replace("['__NITRO_PRECACHE__']", JSON.stringify(list));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
