import './styles.css';
import './tabs.css';
import { currentSession, detectOpenServer, setSession } from './api';
import { clear, errorBox, h } from './dom';
import { icon } from './icons';
import { authView } from './tabs/auth.view';
import { visibleTabs } from './tabs/registry';

const tabs = () => visibleTabs(currentSession()?.role);

const main = document.getElementById('main')!;
const nav = document.getElementById('tabs')!;
const whoami = document.getElementById('whoami')!;
const logout = document.getElementById('logout') as HTMLButtonElement;
const themeToggle = document.getElementById('theme-toggle') as HTMLButtonElement;

/** Light/dark: the system's choice until the person picks one. */
function initTheme() {
  const isDark = () =>
    (document.documentElement.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')) === 'dark';
  const show = () => {
    themeToggle.setAttribute('aria-pressed', String(isDark()));
    themeToggle.replaceChildren(icon(isDark() ? 'sun' : 'moon', 20));
    document.querySelector('meta[name="theme-color"]')?.setAttribute('content', isDark() ? '#1a1a23' : '#ffffff');
  };
  const saved = localStorage.getItem('nitro.theme');
  if (saved) document.documentElement.dataset.theme = saved;
  show();
  themeToggle.addEventListener('click', () => {
    document.documentElement.dataset.theme = isDark() ? 'light' : 'dark';
    localStorage.setItem('nitro.theme', document.documentElement.dataset.theme);
    show();
  });
}

function renderTabs(active: string) {
  clear(nav);
  for (const t of tabs()) {
    const selected = t.id === active;
    nav.append(
      h(
        'a',
        {
          href: `#${t.id}`,
          role: 'tab',
          id: `tab-${t.id}`,
          'aria-selected': String(selected),
          'aria-controls': 'panel',
          tabindex: selected ? '0' : '-1',
          class: selected ? 'tab active' : 'tab',
        },
        t.label,
      ),
    );
  }
}

// Arrow keys, Home and End move between tabs, as in any tab list.
nav.addEventListener('keydown', (e) => {
  const ids = tabs().map((t) => t.id);
  const i = Math.max(0, ids.indexOf(location.hash.slice(1)));
  const moves: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1 + ids.length, Home: 0, End: ids.length - 1 };
  if (!(e.key in moves)) return;
  e.preventDefault();
  const next = ids[moves[e.key] % ids.length];
  location.hash = next;
  requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
});

let leaving: AbortController | null = null;
let routeSeq = 0;

/** Draws the current tab; the previous one is told to stop (streams, recorders) through its signal. */
async function route() {
  const seq = ++routeSeq;
  leaving?.abort();
  const here = (leaving = new AbortController());
  clear(main);
  let session = currentSession();
  if (!session && (await detectOpenServer())) session = currentSession();
  if (seq !== routeSeq) return;
  logout.hidden = !session?.access;
  whoami.textContent = session ? session.userId : '';
  if (!session) {
    clear(nav);
    authView(main, route);
    return;
  }
  const tab = tabs().find((t) => t.id === location.hash.slice(1)) ?? tabs()[0];
  renderTabs(tab.id);
  document.title = `${tab.label} · Nitro AI`;
  const panel = h('div', { id: 'panel', role: 'tabpanel', 'aria-labelledby': `tab-${tab.id}` });
  main.append(panel);
  try {
    const render = await tab.load();
    if (seq === routeSeq) render(panel, here.signal);
  } catch (err) {
    // A chunk that cannot load means the server went away before this tab was ever cached.
    panel.append(errorBox(`This tab could not load (${(err as Error).message}). Is the server reachable?`, () => void route()));
  }
}

logout.addEventListener('click', async () => {
  const s = currentSession();
  if (s?.refresh)
    await fetch('/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.access}` },
      body: JSON.stringify({ refresh_token: s.refresh }),
    }).catch(() => undefined);
  setSession(null);
  void route();
});
window.addEventListener('nitro:signed-out', () => void route());
window.addEventListener('hashchange', () => void route());

/** The server being unreachable is said plainly; the shell itself comes from the service worker's cache. */
async function checkServer() {
  const banner = document.getElementById('offline-banner')!;
  const ok = await fetch('/health', { cache: 'no-store' })
    .then((r) => r.ok)
    .catch(() => false);
  banner.hidden = ok;
  document.body.classList.toggle('offline', !ok);
}
window.addEventListener('online', checkServer);
window.addEventListener('offline', checkServer);
setInterval(checkServer, 15_000);

if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => undefined);
initTheme();
void checkServer();
void route();
