import { api, apiJson, ApiError, currentSession, errorFrom, setSession } from '../api';
import { busy, clear, errorBox, field, formatTime, h, nextId, toast } from '../dom';
import { copyText } from '../chat/message-view';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
}

/** Account: change the password; API keys (created with the key shown once, listed, revoked). */
export function accountTab(root: HTMLElement, signal: AbortSignal): void {
  const session = currentSession()!;
  root.append(h('h2', { class: 'visually-hidden' }, 'Account'));
  if (session.via === 'disabled') {
    root.append(
      h(
        'div',
        { class: 'card' },
        h('h3', {}, 'Account'),
        h(
          'p',
          { class: 'muted' },
          'This server runs without accounts (AUTH_DISABLED): there is no password to change and no API key to manage.',
        ),
      ),
    );
    return;
  }
  root.append(h('div', { class: 'account-grid' }, passwordCard(), keysCard(signal)));
}

/**
 * A message under one form control, for a server error about that field: tied to it with aria-describedby and
 * aria-invalid, read out (role alert), cleared when the person edits the field.
 */
function fieldError(control: HTMLInputElement): { el: HTMLElement; show(message: string): void; clear(): void } {
  const el = h('small', { id: nextId('err'), class: 'field-error', role: 'alert' });
  const clearIt = () => {
    el.textContent = '';
    control.removeAttribute('aria-invalid');
  };
  control.addEventListener('input', clearIt);
  return {
    el,
    show(message) {
      el.textContent = message;
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    },
    clear: clearIt,
  };
}

/**
 * The field a 400 is about: `details.param` from the server (a wrong current password), else the first word of a
 * validation message ("new_password must be longer than…").
 */
function fieldOf(err: ApiError): string | undefined {
  if (err.param) return err.param;
  return err.status === 400 ? /^([a-z_]+)\b/.exec(err.message)?.[1] : undefined;
}

function passwordCard(): HTMLElement {
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 256 });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 256 });
  const status = h('p', { class: 'form-status', role: 'alert' });
  // The server's message for a field, beside that field, with the field's label for its name.
  const fields = new Map([
    ['current_password', { label: 'Current password', error: fieldError(current) }],
    ['new_password', { label: 'New password', error: fieldError(next) }],
  ]);
  // The two new passwords differing is said beside the second one; nothing typed is cleared.
  const mismatch = fieldError(again);
  const go = h('button', { type: 'submit', class: 'btn-primary' }, 'Change password');
  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'pw-title',
      onsubmit: (e: Event) => {
        e.preventDefault();
        status.textContent = '';
        for (const f of fields.values()) f.error.clear();
        mismatch.clear();
        if (next.value !== again.value) return mismatch.show('The new passwords do not match.');
        void busy(go, 'Changing…', async () => {
          const res = await api('/auth/password', { method: 'POST', json: { current_password: current.value, new_password: next.value } });
          if (!res.ok) {
            const err = await errorFrom(res);
            const name = fieldOf(err);
            const f = name ? fields.get(name) : undefined;
            if (!f) return void (status.textContent = err.message);
            return f.error.show(err.message.replace(new RegExp(`^${name}\\b`), f.label));
          }
          // Every session ends with a password change, this one too.
          toast('Password changed. Sign in with the new one.');
          setSession(null);
          window.dispatchEvent(new CustomEvent('nitro:signed-out'));
        });
      },
    },
    h('h3', { id: 'pw-title' }, 'Change password'),
    withError(field('Current password', current), fields.get('current_password')!.error.el),
    withError(
      field('New password', next, 'At least 8 characters. Every session ends: you sign in again (API keys keep working).'),
      fields.get('new_password')!.error.el,
    ),
    withError(field('New password again', again), mismatch.el),
    status,
    h('div', { class: 'row' }, go),
  );
  return form;
}

/** Puts a field's error under it and adds it to the control's description (after field() set the hint's). */
function withError(fieldEl: HTMLElement, error: HTMLElement): HTMLElement {
  const control = fieldEl.querySelector('input');
  control?.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), error.id].filter(Boolean).join(' '));
  fieldEl.append(error);
  return fieldEl;
}

function keysCard(signal: AbortSignal): HTMLElement {
  const name = h('input', { type: 'text', required: true, maxlength: 64, placeholder: 'e.g. my laptop script' });
  const created = h('div', { 'aria-live': 'polite' });
  const list = h('ul', { class: 'key-list', 'aria-label': 'Your API keys' });
  const go = h('button', { type: 'submit', class: 'btn-primary' }, 'Create key');

  async function load() {
    try {
      const keys = await apiJson<ApiKey[]>('/auth/api-keys', { signal });
      clear(list);
      if (!keys.length) list.append(h('li', { class: 'muted' }, 'No API keys yet.'));
      for (const k of keys) {
        list.append(
          h(
            'li',
            { class: 'key' },
            h('span', { class: 'key-name' }, k.name),
            h('code', {}, `${k.prefix}…`),
            h('span', { class: 'muted small' }, `${new Date(k.created_at).toLocaleDateString()} ${formatTime(k.created_at)}`),
            h(
              'button',
              { type: 'button', class: 'btn-secondary danger', 'aria-label': `Revoke key ${k.name}`, onclick: () => void revoke(k) },
              'Revoke',
            ),
          ),
        );
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError')
        list.replaceChildren(
          h(
            'li',
            {},
            errorBox((e as Error).message, () => void load()),
          ),
        );
    }
  }
  async function revoke(k: ApiKey) {
    if (!confirm(`Revoke "${k.name}"? Programs using it stop working at once.`)) return;
    const res = await api(`/auth/api-keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
    if (!res.ok && res.status !== 404) return toast(`Not revoked: ${(await errorFrom(res)).message}`, 'error');
    // The "copy this key now" box of a key just revoked would show a key that no longer works.
    if (created.dataset.keyId === k.id) {
      created.replaceChildren();
      delete created.dataset.keyId;
    }
    await load();
  }
  async function create() {
    try {
      const k = await apiJson<ApiKey & { key: string }>('/auth/api-keys', { method: 'POST', json: { name: name.value.trim() } });
      const shown = h('input', { type: 'text', readonly: true, class: 'key-secret', 'aria-label': 'New API key' });
      shown.value = k.key;
      created.replaceChildren(
        h(
          'div',
          { class: 'key-created' },
          h('p', {}, h('strong', {}, 'Copy this key now: it is shown only once.')),
          h(
            'div',
            { class: 'row' },
            shown,
            h('button', { type: 'button', class: 'btn-secondary', onclick: () => void copyText(k.key, 'Key copied') }, 'Copy key'),
          ),
        ),
      );
      created.dataset.keyId = k.id;
      name.value = '';
      await load();
    } catch (e) {
      created.replaceChildren(errorBox((e as Error).message));
    }
  }
  void load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'keys-title' },
    h('h3', { id: 'keys-title' }, 'API keys'),
    h(
      'p',
      { class: 'muted small' },
      'For programs: send a key as "Authorization: Bearer <key>". A key acts as you; revoke it when a program no longer needs it.',
    ),
    h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (name.value.trim()) return void busy(go, 'Creating…', create);
          // Spaces pass `required`: say it the same way, until the person types again.
          name.setCustomValidity('Give the key a name.');
          name.reportValidity();
          name.addEventListener('input', () => name.setCustomValidity(''), { once: true });
        },
      },
      h('div', { class: 'row' }, field('Key name', name), go),
    ),
    created,
    list,
  );
}
