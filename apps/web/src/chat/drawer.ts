import { h } from '../dom';
import { icon } from '../icons';

/**
 * The conversation list as a sidebar, and on a phone a drawer over the page (tabs.css). The drawer covers its own
 * toggle, so it has its own Close button; Escape anywhere in the tab and a tap beside it close it too.
 * `first` gets the focus when it opens. Returns the sidebar, the toggle for the header, and close().
 */
export function conversationDrawer(root: HTMLElement, first: HTMLElement, ...content: HTMLElement[]) {
  const isOpen = () => toggle.getAttribute('aria-expanded') === 'true';
  const setOpen = (open: boolean) => {
    toggle.setAttribute('aria-expanded', String(open));
    sidebar.classList.toggle('open', open);
    // After the drawer is laid out: focusing it in the same task, while it is still hidden, does nothing.
    if (open) requestAnimationFrame(() => first.focus());
  };
  const closeAndReturn = () => (setOpen(false), toggle.focus());
  const closeButton = h(
    'button',
    { type: 'button', class: 'icon-btn drawer-close', 'aria-label': 'Close conversations', onclick: closeAndReturn },
    icon('close', 18),
  );
  const sidebar = h('aside', { class: 'sidebar', id: 'chat-sidebar' }, closeButton, first, ...content);
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'btn-secondary drawer-btn',
      'aria-controls': 'chat-sidebar',
      'aria-expanded': 'false',
      onclick: () => setOpen(!isOpen()),
    },
    icon('menu'),
    'Conversations',
  );
  root.addEventListener('keydown', (e) => e.key === 'Escape' && isOpen() && closeAndReturn());
  // A tap anywhere beside the drawer closes it, also outside the tab (the page's own margins).
  const onPointer = (e: PointerEvent) => {
    if (!root.isConnected) return document.removeEventListener('pointerdown', onPointer);
    const target = e.target as Node;
    if (isOpen() && !sidebar.contains(target) && !toggle.contains(target)) setOpen(false);
  };
  document.addEventListener('pointerdown', onPointer);
  return { sidebar, toggle, close: () => isOpen() && setOpen(false) };
}
