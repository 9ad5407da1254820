import { h } from '../dom';

export function searchTab(root: HTMLElement): void {
  root.append(h('section', { class: 'card' }, h('h2', {}, 'search'), h('p', {}, 'Loading…')));
}
