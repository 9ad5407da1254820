import { h } from '../dom';

export function agentsTab(root: HTMLElement): void {
  root.append(h('section', { class: 'card' }, h('h2', {}, 'agents'), h('p', {}, 'Loading…')));
}
