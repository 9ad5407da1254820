/** A tiny element builder: h('button', { class: 'x', onclick }, 'text'). Text is always set as text, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, unknown> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/** An error line with an optional retry button. */
export function errorBox(message: string, retry?: () => void): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, h('span', {}, message), retry ? h('button', { type: 'button', class: 'btn-secondary', onclick: retry }, 'Retry') : null);
}

export function formatTime(iso?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(+d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
