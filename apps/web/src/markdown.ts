import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Raw HTML in a model's answer is shown as the text it is, never parsed. */
const md = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

/**
 * Model output is untrusted: Markdown is rendered with raw HTML escaped, then sanitised as a second
 * line of defence (javascript: links, event attributes). Links open in a new tab, safely.
 */
export function renderMarkdown(text: string): DocumentFragment {
  const html = md.parse(text, { async: false }) as string;
  const clean = DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true, FORBID_TAGS: ['style', 'form', 'input', 'iframe', 'img'], FORBID_ATTR: ['style'] }) as DocumentFragment;
  clean.querySelectorAll('a[href]').forEach((a) => {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  });
  return clean;
}
