import { h } from '../dom';

export function voiceTab(root: HTMLElement): void {
  root.append(h('section', { class: 'card' }, h('h2', {}, 'voice'), h('p', {}, 'Loading…')));
}
