import { h } from '../dom';
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
