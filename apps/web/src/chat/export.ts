import { h } from '../dom';
import { icon } from '../icons';
import type { ChatHistoryDto } from '@nitro/contracts';

/** A conversation as Markdown: a heading, then each turn under who wrote it. */
export function toMarkdown(title: string, hist: ChatHistoryDto): string {
  const parts = [`# ${title}`, ''];
  for (const m of hist.messages) {
    const who =
      m.role === 'user'
        ? 'You'
        : m.role === 'assistant'
          ? `Assistant${m.ai_source ? ` (${m.ai_source}${m.ai_model ? ` / ${m.ai_model}` : ''})` : ''}`
          : 'System';
    parts.push(`## ${who}${m.timestamp ? ` · ${m.timestamp}` : ''}`, '');
    // The files' text stays in the JSON export; the Markdown names them.
    if (m.attachments?.length) parts.push(`Attached: ${m.attachments.map((a) => a.name).join(', ')}`, '');
    parts.push(m.content, '');
  }
  return parts.join('\n');
}

/** Saves text as a file through a blob: URL (released right after). */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function fileName(title: string, ext: string): string {
  return `${(title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'conversation').slice(0, 60)}.${ext}`;
}

/** The conversation downloaded as Markdown or as JSON (its title and GET /chat/history's answer). */
export function exportConversation(kind: 'md' | 'json', title: string, hist: ChatHistoryDto): void {
  if (kind === 'md') download(fileName(title, 'md'), 'text/markdown', toMarkdown(title, hist));
  else download(fileName(title, 'json'), 'application/json', JSON.stringify({ title, ...hist }, null, 2));
}

/** **Export Markdown** and **Export JSON**: one icon, so each carries a short label (MD, JSON) where its text is hidden (phone). */
export function exportButtons(onExport: (kind: 'md' | 'json') => void): [HTMLButtonElement, HTMLButtonElement] {
  const button = (kind: 'md' | 'json', name: string, short: string) =>
    h(
      'button',
      { type: 'button', class: 'btn-secondary', title: name, 'data-short': short, onclick: () => onExport(kind) },
      icon('download', 16),
      name,
    );
  return [button('md', 'Export Markdown', 'MD'), button('json', 'Export JSON', 'JSON')];
}
