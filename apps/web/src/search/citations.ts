import { h } from '../dom';

/**
 * The summary's text with each [n] that names a listed result turned into a link to it; anything
 * else stays text (a model's output is never parsed as HTML). `onCite` moves focus to the result.
 */
export function citedText(text: string, known: Set<number>, onCite: (n: number) => void): DocumentFragment {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(/\[(\d{1,3})\]/g)) {
    const n = Number(m[1]);
    if (!known.has(n)) continue;
    out.append(text.slice(last, m.index));
    out.append(
      h(
        'a',
        {
          href: `#result-${n}`,
          class: 'cite',
          'aria-label': `Source ${n}`,
          // In-page jump without touching location.hash, which is the tab router's.
          onclick: (e: MouseEvent) => {
            e.preventDefault();
            onCite(n);
          },
        },
        `[${n}]`,
      ),
    );
    last = m.index! + m[0].length;
  }
  out.append(text.slice(last));
  return out;
}

/** Scrolls a result into view, focuses it and flashes it so the eye finds it. */
export function focusResult(n: number): void {
  const el = document.getElementById(`result-${n}`);
  if (!el) return;
  el.scrollIntoView({ behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth', block: 'center' });
  el.focus({ preventScroll: true });
  el.classList.remove('flash');
  void el.offsetWidth; // restart the animation
  el.classList.add('flash');
}

/** "2 days ago"-style date, or the locale date when older than a month. */
export function shortDate(iso?: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(+d)) return '';
  const days = Math.floor((Date.now() - +d) / 86_400_000);
  if (days >= 0 && days < 31) return days === 0 ? 'today' : `${days} day${days > 1 ? 's' : ''} ago`;
  return d.toLocaleDateString();
}
