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
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('span', {}, message),
    retry ? h('button', { type: 'button', class: 'btn-secondary', onclick: retry }, 'Retry') : null,
  );
}

export function formatTime(iso?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(+d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

let uid = 0;
/** A unique id for label/input pairs. */
export function nextId(prefix: string): string {
  return `${prefix}-${++uid}`;
}

/** A labelled control: `<div class="field"><label for=…>text</label>control</div>`. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  if (!control.id) control.id = nextId('f');
  const hintEl = hint ? h('small', { id: `${control.id}-hint`, class: 'muted' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** A checkbox with its label after it, clickable as one. */
export function checkbox(
  label: string,
  checked: boolean,
  attrs: Record<string, unknown> = {},
): { el: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', id: nextId('c'), ...attrs });
  input.checked = checked;
  return { el: h('div', { class: 'check' }, input, h('label', { for: input.id }, label)), input };
}

export function select(options: [value: string, label: string][], value?: string, attrs: Record<string, unknown> = {}): HTMLSelectElement {
  const el = h('select', attrs, ...options.map(([v, l]) => h('option', { value: v }, l)));
  if (value !== undefined) el.value = value;
  return el;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A short message in the page's live region (no alert(): it blocks and cannot be styled). */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  let region = document.getElementById('toasts');
  if (!region) document.body.append((region = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' })));
  // The same words again (a button pressed twice) replace the earlier toast rather than stack under it.
  for (const t of region.querySelectorAll<HTMLElement>('.toast')) if (t.textContent === message) t.remove();
  const item = h('div', { class: `toast ${kind}` }, message);
  region.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/** A busy state on a button while `work` runs, so double clicks cannot send twice. */
export async function busy<T>(button: HTMLButtonElement, label: string, work: () => Promise<T>): Promise<T> {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = before;
  }
}
