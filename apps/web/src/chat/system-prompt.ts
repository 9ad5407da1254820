import { h, nextId } from '../dom';

const key = (user: string, session: string) => `nitro.chat.system.${user}.${session}`;

/**
 * A system prompt for one conversation (sent as options.system with every message of it), kept in
 * this browser. Folded away under "System prompt" with a mark when one is set.
 */
export function systemPrompt(user: string): { el: HTMLElement; value(): string | undefined; use(session: string): void } {
  let session = '';
  const area = h('textarea', { id: nextId('system'), rows: 2, maxlength: 4000, placeholder: 'e.g. Answer briefly, in French.' });
  const summary = h('summary', {}, 'System prompt');
  const el = h(
    'details',
    { class: 'system-prompt' },
    summary,
    h('label', { for: area.id, class: 'visually-hidden' }, 'System prompt for this conversation'),
    area,
  );
  const mark = () => summary.replaceChildren('System prompt', area.value.trim() ? h('span', { class: 'pill' }, 'on') : '');
  area.addEventListener('input', () => {
    if (area.value.trim()) localStorage.setItem(key(user, session), area.value);
    else localStorage.removeItem(key(user, session));
    mark();
  });
  return {
    el,
    value: () => area.value.trim() || undefined,
    use(id: string) {
      session = id;
      area.value = localStorage.getItem(key(user, id)) ?? '';
      mark();
    },
  };
}
