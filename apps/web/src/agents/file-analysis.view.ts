import { api, errorFrom } from '../api';
import { checkbox, clear, errorBox, formatBytes, h } from '../dom';
import { renderMarkdown } from '../markdown';
import type { FileAnalysisDto } from '@nitro/contracts';

type FileAnalysis = FileAnalysisDto;

/** Drop a file (or choose one): what it really is, its details, and a model's summary. */
export function fileAnalysisView(signal: AbortSignal): HTMLElement {
  const input = h('input', { type: 'file', id: 'file-input', class: 'file-input' });
  const withLlm = checkbox('Ask the AI for a summary', true);
  const zone = h(
    'div',
    { class: 'dropzone' },
    h('p', {}, 'Drop a file here, or'),
    // The input is visually hidden but focusable; its label is the visible button (see styles).
    input,
    h('label', { for: 'file-input', class: 'btn-secondary file-label' }, 'Choose a file…'),
    h('p', { class: 'muted small' }, 'Text, CSV, JSON, PDF, images, ZIP… The type is read from the bytes, not the name.'),
  );
  const out = h('div', { 'aria-live': 'polite' });

  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void analyse(file);
  });
  input.addEventListener('change', () => input.files?.[0] && void analyse(input.files[0]));

  async function analyse(file: File) {
    clear(out);
    out.append(
      h('p', { class: 'muted' }, `Analysing ${file.name} (${formatBytes(file.size)})…`, h('progress', { 'aria-label': 'Analysing' })),
    );
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const res = await api(`/agent/file-analyze?llm=${withLlm.input.checked}`, { method: 'POST', body: form, signal });
      if (!res.ok) throw await errorFrom(res);
      draw(await res.json());
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      clear(out);
      out.append(errorBox((err as Error).message, () => void analyse(file)));
    } finally {
      input.value = '';
    }
  }

  function draw(a: FileAnalysis) {
    clear(out);
    out.append(
      h('h4', {}, a.filename ?? 'File'),
      facts([
        ['Type', `${a.type.kind} (${a.type.mime}), by ${a.type.by}`],
        ['Size', `${formatBytes(a.size)} (${a.size.toLocaleString()} bytes)`],
        ['SHA-256', h('code', { class: 'hash' }, a.sha256)],
      ]),
      a.name_mismatch ? h('p', { class: 'badge-warn' }, `⚠ ${a.name_mismatch}`) : '',
      h('h4', {}, 'Details'),
      facts(Object.entries(a.details).map(([k, v]) => [k.replace(/_/g, ' '), value(v)])),
      h('h4', {}, 'AI summary'),
      a.llm_summary
        ? h(
            'div',
            { class: 'llm-review' },
            h('div', { class: 'md scroll', tabindex: '0', role: 'region', 'aria-label': 'AI text' }, renderMarkdown(a.llm_summary)),
            h('p', { class: 'muted small' }, `${a.llm.ai_source ?? ''} / ${a.llm.ai_model ?? ''}`),
          )
        : h('p', { class: 'muted' }, a.llm.available ? 'Not requested.' : `Not available: ${a.llm.reason ?? 'no model could answer'}.`),
    );
  }

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'file-title' },
    h('h3', { id: 'file-title' }, 'File analysis'),
    zone,
    withLlm.el,
    out,
  );
}

function facts(rows: [string, Node | string][]): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** Scalars as text; lists and objects as indented JSON, cut so a huge ZIP listing stays readable. */
function value(v: unknown): Node | string {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'object') return String(v);
  const json = JSON.stringify(v, null, 2);
  // Focusable, so keyboard users can scroll a long listing.
  return h('pre', { class: 'json', tabindex: '0' }, json.length > 4000 ? `${json.slice(0, 4000)}\n…` : json);
}
