/**
 * A tab draws itself into `root`. `signal` is aborted when the person leaves the tab: pass it to
 * fetches and streams, and stop recorders or players on it.
 */
export type TabRender = (root: HTMLElement, signal: AbortSignal) => void;

export interface TabDef {
  id: string;
  label: string;
  /** Loaded on first visit, so the first paint only carries the chat code. */
  load: () => Promise<TabRender>;
  /** Shown to admins only (the server refuses the routes to others anyway). */
  admin?: boolean;
}

/** The seed's five tabs, agents, the account and (admins) the admin screen. */
export const TABS: TabDef[] = [
  { id: 'chat', label: 'Chat', load: () => import('./chat.tab').then((m) => m.chatTab) },
  { id: 'images', label: 'Images', load: () => import('./images.tab').then((m) => m.imagesTab) },
  { id: 'voice', label: 'Voice', load: () => import('./voice.tab').then((m) => m.voiceTab) },
  { id: 'search', label: 'Search', load: () => import('./search.tab').then((m) => m.searchTab) },
  { id: 'video', label: 'Video', load: () => import('./video.tab').then((m) => m.videoTab) },
  { id: 'agents', label: 'Agents', load: () => import('./agents.tab').then((m) => m.agentsTab) },
  { id: 'account', label: 'Account', load: () => import('./account.tab').then((m) => m.accountTab) },
  { id: 'admin', label: 'Admin', load: () => import('./admin.tab').then((m) => m.adminTab), admin: true },
];

/** The tabs this person sees. */
export function visibleTabs(role?: string): TabDef[] {
  return TABS.filter((t) => !t.admin || role === 'admin');
}
