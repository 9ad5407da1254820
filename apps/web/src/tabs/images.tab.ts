import { h } from '../dom';

export function imagesTab(root: HTMLElement): void {
  root.append(h('section', { class: 'card' }, h('h2', {}, 'images'), h('p', {}, 'Loading…')));
}
