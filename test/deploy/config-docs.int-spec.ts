import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, collectVariables, renderConfigurationMd, renderEnvExample } from '../../tools/config-doc/config-doc';

const ROOT = join(__dirname, '..', '..');
const FILES = { 'docs/configuration.md': renderConfigurationMd, '.env.example': renderEnvExample } as const;

/** `UPDATE_CONFIG_DOCS=1` rewrites the files (scripts/gen-config-docs.sh); otherwise a stale file fails. */
describe('configuration reference and .env.example, generated from libs/config', () => {
  it.each(Object.keys(FILES) as (keyof typeof FILES)[])('%s is up to date (bash scripts/gen-config-docs.sh regenerates it)', (file) => {
    const expected = FILES[file]();
    if (process.env.UPDATE_CONFIG_DOCS === '1') writeFileSync(join(ROOT, file), expected);
    expect(readFileSync(join(ROOT, file), 'utf8')).toBe(expected);
  });

  it('documents every variable of every service, with its default, and marks secrets', () => {
    const vars = collectVariables();
    const doc = renderConfigurationMd(vars);
    for (const app of APPS) expect(doc).toContain(`## ${app}`);
    for (const v of vars) expect(doc).toContain(`| \`${v.name}\` |`);
    const row = (name: string) => doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`)) ?? '';
    expect(row('JWT_SECRET')).toMatch(/\| yes \|/);
    expect(row('GEMINI_API_KEY')).toMatch(/\| yes \|/);
    expect(row('OLLAMA_HOST')).not.toMatch(/\| yes \|/);
    expect(row('OLLAMA_MODEL')).toContain('`phi3`');
    // Vendors an operator sets up without reading TypeScript.
    for (const name of [
      'OLLAMA_HOST',
      'GEMINI_API_KEY',
      'SEARXNG_URL',
      'BRAVE_API_KEY',
      'YOUTUBE_API_KEY',
      'WHISPER_URL',
      'A1111_URL',
      'STABILITY_API_KEY',
      'HF_API_TOKEN',
    ]) {
      expect([name, row(name).split('|')[5]?.trim().length > 10]).toEqual([name, true]);
    }
  });

  it('the staleness check fails when a default or a description changes without regenerating', () => {
    const vars = collectVariables();
    const changed = vars.map((v) => (v.name === 'OLLAMA_MODEL' ? { ...v, defaults: { 'ai-router': 'llama3' } } : v));
    expect(renderConfigurationMd(changed)).not.toBe(readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8'));
    expect(() => renderEnvExample(vars, 'services: { x: { environment: { A: ${SOMETHING_NEW:-1} } } }')).toThrow(/SOMETHING_NEW/);
  });
});
