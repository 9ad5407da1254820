import { agentsTab } from './agents.tab';
import { imagesTab } from './images.tab';
import { searchTab } from './search.tab';
import { videoTab } from './video.tab';
import { voiceTab } from './voice.tab';

export interface TabDef {
  id: string;
  label: string;
  render: (root: HTMLElement) => void;
}

/** The seed's five tabs, plus agents. Chat is rendered by main.ts (it is the default). */
export const TABS: TabDef[] = [
  { id: 'chat', label: 'Chat', render: () => undefined },
  { id: 'images', label: 'Images', render: imagesTab },
  { id: 'voice', label: 'Voice', render: voiceTab },
  { id: 'search', label: 'Search', render: searchTab },
  { id: 'video', label: 'Video', render: videoTab },
  { id: 'agents', label: 'Agents', render: agentsTab },
];
