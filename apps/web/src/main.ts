import './styles.css';
import { currentSession, setSession } from './api';
import { clear, h } from './dom';
import { authView } from './tabs/auth.view';
import { chatTab } from './tabs/chat.tab';
import { TABS } from './tabs/registry';

const main = document.getElementById('main')!;
const nav = document.getElementById('tabs')!;
const whoami = document.getElementById('whoami')!;
const logout = document.getElementById('logout') as HTMLButtonElement;

/** Light/dark: the system's choice until the person picks one. */
function initTheme() {
  const saved = localStorage.getItem('nitro.theme');
  if (saved) document.documentElement.dataset.theme = saved;
  document.getElementById('theme-toggle')!.addEventListener('click', () => {
    const dark = (document.documentElement.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark';
    document.documentElement.dataset.theme = dark ? 'light' : 'dark';
    localStorage.setItem('nitro.theme', document.documentElement.dataset.theme);
  });
}

function renderTabs(active: string) {
  clear(nav);
  for (const t of TABS) {
    const selected = t.id === active;
    nav.append(h('a', { href: `#${t.id}`, role: 'tab', id: `tab-${t.id}`, 'aria-selected': String(selected), 'aria-controls': 'main', tabindex: selected ? '0' : '-1', class: selected ? 'tab active' : 'tab' }, t.label));
  }
}

// Arrow keys move between tabs, as in any tab list.
nav.addEventListener('keydown', (e) => {
  const ids = TABS.map((t) => t.id);
  const i = ids.indexOf(location.hash.slice(1) || 'chat');
  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    const next = ids[(i + (e.key === 'ArrowRight' ? 1 : ids.length - 1)) % ids.length];
    location.hash = next;
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
  }
});

function route() {
  clear(main);
  const session = currentSession();
  logout.hidden = !session;
  whoami.textContent = session ? session.userId : '';
  if (!session) {
    clear(nav);
    authView(main, route);
    return;
  }
  const id = location.hash.slice(1) || 'chat';
  const tab = TABS.find((t) => t.id === id) ?? TABS[0];
  renderTabs(tab.id);
  main.setAttribute('aria-labelledby', `tab-${tab.id}`);
  (tab.id === 'chat' ? chatTab : tab.render)(main);
}

logout.addEventListener('click', async () => {
  const s = currentSession();
  if (s?.refresh) await fetch('/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.access}` }, body: JSON.stringify({ refresh_token: s.refresh }) }).catch(() => undefined);
  setSession(null);
  route();
});
window.addEventListener('nitro:signed-out', route);
window.addEventListener('hashchange', route);

/** The server being unreachable is said plainly; the shell itself comes from the service worker's cache. */
async function checkServer() {
  const banner = document.getElementById('offline-banner')!;
  const ok = await fetch('/health', { cache: 'no-store' }).then((r) => r.ok).catch(() => false);
  banner.hidden = ok;
  document.body.classList.toggle('offline', !ok);
}
window.addEventListener('online', checkServer);
window.addEventListener('offline', checkServer);
setInterval(checkServer, 15_000);

if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);
initTheme();
void checkServer();
route();
