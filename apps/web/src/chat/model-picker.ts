import { api } from '../api';
import { h, nextId } from '../dom';
import type { ModelListDto } from '@nitro/contracts';
import { hasChatModel, modelNotice } from './model-notice';

const KEY = 'nitro.chat.model';

/**
 * The model for the next message, from GET /models (the registry): unavailable models are listed
 * disabled with the reason as their tooltip. Hidden when the server has no registry (404) or
 * cannot list it; "Default" leaves the choice to the server's routing order. When no model can
 * answer, the model notice (download for an admin) goes above the composer.
 */
export function modelPicker(): { el: HTMLElement; value(): string } {
  const select = h('select', { id: nextId('model'), class: 'model-select' }, h('option', { value: '' }, 'Default model'));
  const el = h('div', { class: 'model-picker', hidden: true }, h('label', { for: select.id, class: 'visually-hidden' }, 'Model'), select);
  select.addEventListener('change', () => localStorage.setItem(KEY, select.value));
  let notice: HTMLElement | null = null;
  const load = (refresh = false) =>
    api(refresh ? '/models?refresh=true' : '/models')
      .then(async (res) => {
        if (!res.ok) return; // 404: no registry on this server; anything else: keep the default
        const list = (await res.json()) as ModelListDto;
        select.replaceChildren(select.options[0]);
        // Embedding-only models (gemini/text-embedding-004) cannot chat: they are not offered here.
        for (const m of (list.models ?? []).filter((m) => (m.capabilities ?? ['chat']).includes('chat')))
          select.append(
            h(
              'option',
              { value: m.id, disabled: !m.available, title: m.available ? m.id : (m.reason ?? 'unavailable') },
              m.available ? m.id : `${m.id} (unavailable)`,
            ),
          );
        const saved = localStorage.getItem(KEY);
        if (saved && [...select.options].some((o) => o.value === saved && !o.disabled)) select.value = saved;
        el.hidden = select.options.length < 2;
        if (hasChatModel(list)) return void (notice?.remove(), (notice = null));
        // Nothing can answer: say so above the composer, before the first message (model-notice.ts).
        notice ??= modelNotice(() => void load(true));
        if (!notice.isConnected) (el.closest('form') ?? el).before(notice);
      })
      .catch(() => undefined);
  void load();
  return { el, value: () => select.value };
}
