import DOMPurify from 'dompurify';
import { Marked, type TokenizerAndRendererExtension } from 'marked';
import { enhanceCode, enhanceMath } from './markdown-extras';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * `$…$` and `$$…$$` become placeholders holding the TeX as text; KaTeX (lazy-loaded) draws them
 * after sanitising. "$5 and $6" stays text: the inner side of each `$` must not be a space, and a
 * closing `$` must not be followed by a digit.
 */
const math: TokenizerAndRendererExtension = {
  name: 'math',
  level: 'inline',
  start: (src) => src.indexOf('$'),
  tokenizer(src) {
    const m = /^\$\$([\s\S]+?)\$\$/.exec(src) ?? /^\$(?![\s$])((?:\\\$|[^$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
    if (m) return { type: 'math', raw: m[0], text: m[1].trim(), display: m[0].startsWith('$$') };
    return undefined;
  },
  renderer: (t) => `<span class="math" data-display="${t.display ? '1' : '0'}">${escapeHtml(t.text)}</span>`,
};

/** Raw HTML in a model's answer is shown as the text it is, never parsed. */
const md = new Marked({
  gfm: true,
  breaks: true,
  extensions: [math],
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

/**
 * Model output is untrusted: Markdown is rendered with raw HTML escaped, then sanitised as a second
 * line of defence (javascript: links, event attributes). Links open in a new tab, safely. Code
 * blocks get a language label and Copy code, and are highlighted; maths is drawn by KaTeX (both
 * loaded on first use).
 */
export function renderMarkdown(text: string): DocumentFragment {
  const html = md.parse(text, { async: false }) as string;
  const clean = DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: ['style', 'form', 'input', 'iframe', 'img'],
    FORBID_ATTR: ['style'],
  }) as DocumentFragment;
  clean.querySelectorAll('a[href]').forEach((a) => {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  });
  enhanceCode(clean);
  enhanceMath(clean);
  return clean;
}
