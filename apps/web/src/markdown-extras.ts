import DOMPurify from 'dompurify';
import { h, toast } from './dom';
import { icon } from './icons';

type Hljs = typeof import('highlight.js').default;
type Katex = typeof import('katex').default;

// Loaded on the first code block or formula, never on the first screen.
let hljs: Promise<Hljs> | null = null;
let katex: Promise<Katex> | null = null;
const loadHljs = () => (hljs ??= import('./highlight').then((m) => m.hljs));
const loadKatex = () => (katex ??= import('./katex').then((m) => m.katex));

async function copyCode(code: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(code);
    toast('Code copied');
  } catch {
    toast('The browser did not allow copying.', 'error');
  }
}

/** Each `<pre><code>`: a bar with its language and Copy code; highlighted when highlight.js has loaded. */
export function enhanceCode(root: DocumentFragment | Element): void {
  root.querySelectorAll('pre > code').forEach((code) => {
    const pre = code.parentElement!;
    const lang = /(?:^|\s)language-([\w+#.-]+)/.exec(code.className)?.[1];
    const text = code.textContent ?? '';
    const bar = h(
      'div',
      { class: 'code-bar' },
      h('span', { class: 'code-lang' }, lang ?? 'text'),
      h('button', { type: 'button', class: 'link-btn', onclick: () => void copyCode(text) }, icon('copy', 14), ' Copy code'),
    );
    const block = h('div', { class: 'code-block' });
    pre.replaceWith(block);
    block.append(bar, pre);
    void loadHljs().then((hl) => {
      const language = lang && hl.getLanguage(lang) ? lang : undefined;
      const out = language ? hl.highlight(text, { language, ignoreIllegals: true }) : hl.highlightAuto(text);
      // highlight.js escapes the code and wraps tokens in spans; DOMPurify keeps exactly that (spans with a class).
      code.replaceChildren(
        DOMPurify.sanitize(out.value, { RETURN_DOM_FRAGMENT: true, ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'] }) as DocumentFragment,
      );
      code.classList.add('hljs');
    });
  });
}

/** Each maths placeholder drawn by KaTeX (it builds DOM nodes; errors show the TeX in red, not an exception). */
export function enhanceMath(root: DocumentFragment | Element): void {
  const spans = [...root.querySelectorAll<HTMLElement>('span.math')];
  if (!spans.length) return;
  void loadKatex().then((k) => {
    for (const span of spans) {
      const tex = span.textContent ?? '';
      try {
        k.render(tex, span, { displayMode: span.dataset.display === '1', throwOnError: false, trust: false, maxExpand: 500, maxSize: 20 });
      } catch {
        span.textContent = tex;
      }
    }
  });
}
