import { h } from '../dom';

export function videoTab(root: HTMLElement): void {
  root.append(h('section', { class: 'card' }, h('h2', {}, 'video'), h('p', {}, 'Loading…')));
}
