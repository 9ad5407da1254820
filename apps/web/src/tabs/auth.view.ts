import { errorFrom, setSession } from '../api';
import { h } from '../dom';

/** Sign in or create an account (the first account on a new server becomes its admin). */
export function authView(root: HTMLElement, onSignedIn: () => void): void {
  const username = h('input', {
    id: 'auth-username',
    name: 'username',
    autocomplete: 'username',
    required: true,
    pattern: '[A-Za-z0-9_\\-]{1,64}',
    'aria-describedby': 'auth-hint',
  });
  const password = h('input', {
    id: 'auth-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    minlength: 8,
  });
  const status = h('p', { class: 'form-status', role: 'alert' });
  const submit = (mode: 'login' | 'register') => async (e: Event) => {
    e.preventDefault();
    status.textContent = '';
    const body = { username: username.value.trim(), password: password.value };
    try {
      if (mode === 'register') {
        const r = await fetch('/auth/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (!r.ok) throw await errorFrom(r);
      }
      const res = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw await errorFrom(res);
      const t = await res.json();
      setSession({
        access: t.access_token ?? t.accessToken,
        refresh: t.refresh_token ?? t.refreshToken,
        userId: t.user?.id ?? t.user?.username ?? body.username,
        role: t.user?.role,
      });
      onSignedIn();
    } catch (err) {
      status.textContent = (err as Error).message;
    }
  };
  const form = h(
    'form',
    { class: 'card auth-card', onsubmit: submit('login'), 'aria-labelledby': 'auth-title' },
    h('h2', { id: 'auth-title' }, 'Sign in to Nitro AI'),
    h('label', { for: 'auth-username' }, 'Username'),
    username,
    h('small', { id: 'auth-hint' }, 'Letters, digits, "-" and "_". The first account on a new server is its admin.'),
    h('label', { for: 'auth-password' }, 'Password'),
    password,
    status,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'btn-primary', id: 'auth-login' }, 'Sign in'),
      h(
        'button',
        {
          type: 'button',
          class: 'btn-secondary',
          id: 'auth-register',
          onclick: (e: Event) => (form.reportValidity() ? void submit('register')(e) : undefined),
        },
        'Create account',
      ),
    ),
  );
  root.append(form);
  username.focus();
}
