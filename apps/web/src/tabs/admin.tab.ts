import { api, apiJson, currentSession, errorFrom } from '../api';
import { checkbox, clear, errorBox, h, toast } from '../dom';
import type { ModelListDto } from '@nitro/contracts';

interface AdminUser {
  id: string;
  role: 'admin' | 'user';
  created_at: string;
  disabled: boolean;
}

/** Admin: accounts (disable, enable), settings (registration open), models (from GET /models when the server has it). */
export function adminTab(root: HTMLElement, signal: AbortSignal): void {
  if (currentSession()?.role !== 'admin') {
    root.append(h('div', { class: 'card' }, h('h2', {}, 'Admin'), h('p', {}, 'This screen is for administrators.')));
    return;
  }
  const users = h('tbody');
  const usersCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'users-title' },
    h('h2', { id: 'users-title', class: 'card-title' }, 'Users'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'findings' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'User'),
            h('th', { scope: 'col' }, 'Role'),
            h('th', { scope: 'col' }, 'Since'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')),
          ),
        ),
        users,
      ),
    ),
  );
  const reg = checkbox('Registration open: anyone can create an account', false, { disabled: true });
  const settingsNote = h('p', { class: 'muted small' });
  const settingsCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'settings-title' },
    h('h2', { id: 'settings-title', class: 'card-title' }, 'Settings'),
    reg.el,
    settingsNote,
  );
  const models = h('div');
  const modelsCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'models-title', hidden: true },
    h('h2', { id: 'models-title', class: 'card-title' }, 'Models'),
    models,
  );
  root.append(h('div', { class: 'admin-grid' }, usersCard, h('div', {}, settingsCard, modelsCard)));

  async function loadUsers() {
    try {
      const list = await apiJson<AdminUser[]>('/auth/users?limit=200', { signal });
      clear(users);
      for (const u of list) {
        const self = u.id === currentSession()?.userId;
        users.append(
          h(
            'tr',
            {},
            h('td', {}, u.id),
            h('td', {}, u.role),
            h('td', {}, new Date(u.created_at).toLocaleDateString()),
            h('td', {}, h('span', { class: `pill ${u.disabled ? 'sev-error' : 'status-active'}` }, u.disabled ? 'disabled' : 'active')),
            h(
              'td',
              {},
              self
                ? h('span', { class: 'muted small' }, 'you')
                : h(
                    'button',
                    {
                      type: 'button',
                      class: `btn-secondary${u.disabled ? '' : ' danger'}`,
                      onclick: () => void setDisabled(u, !u.disabled),
                    },
                    `${u.disabled ? 'Enable' : 'Disable'} ${u.id}`,
                  ),
            ),
          ),
        );
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError')
        users.replaceChildren(
          h(
            'tr',
            {},
            h(
              'td',
              { colspan: 5 },
              errorBox((e as Error).message, () => void loadUsers()),
            ),
          ),
        );
    }
  }
  async function setDisabled(u: AdminUser, disabled: boolean) {
    if (disabled && !confirm(`Disable ${u.id}? Their sessions end and their API keys stop working.`)) return;
    const res = await api(`/auth/users/${encodeURIComponent(u.id)}/${disabled ? 'disable' : 'enable'}`, { method: 'POST' });
    if (!res.ok) return toast((await errorFrom(res)).message, 'error');
    await loadUsers();
  }
  async function loadSettings() {
    try {
      const s = await apiJson<{ registration_open: boolean; registration_open_config: boolean }>('/auth/settings', { signal });
      reg.input.checked = s.registration_open;
      reg.input.disabled = false;
      settingsNote.textContent = `Applies to every gateway at once. The server starts with it ${s.registration_open_config ? 'open' : 'closed'} (REGISTRATION_OPEN).`;
    } catch (e) {
      if ((e as Error).name !== 'AbortError') settingsCard.append(errorBox((e as Error).message));
    }
  }
  reg.input.addEventListener('change', async () => {
    const res = await api('/auth/settings', { method: 'PATCH', json: { registration_open: reg.input.checked } });
    if (!res.ok) {
      reg.input.checked = !reg.input.checked;
      return toast((await errorFrom(res)).message, 'error');
    }
    toast(reg.input.checked ? 'Registration is open.' : 'Registration is closed.');
  });
  async function loadModels() {
    const res = await api('/models', { signal }).catch(() => null);
    if (!res?.ok) return; // no registry on this server
    const list = (await res.json()) as ModelListDto;
    modelsCard.hidden = false;
    models.replaceChildren(
      h(
        'ul',
        { class: 'model-list' },
        ...list.models.map((m) =>
          h(
            'li',
            {},
            h('code', {}, m.id),
            ' ',
            h('span', { class: `pill ${m.available ? 'status-active' : 'sev-warning'}` }, m.available ? 'available' : 'unavailable'),
            m.reason ? h('span', { class: 'muted small' }, ` ${m.reason}`) : null,
          ),
        ),
      ),
    );
  }
  void loadUsers();
  void loadSettings();
  void loadModels();
}
