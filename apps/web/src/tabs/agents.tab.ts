import { codeReviewView } from '../agents/code-review.view';
import { fileAnalysisView } from '../agents/file-analysis.view';
import { tasksView } from '../agents/tasks.view';
import { h } from '../dom';

/** Agents: code review, file analysis and scheduled tasks side by side on wide screens. */
export function agentsTab(root: HTMLElement, signal: AbortSignal): void {
  root.append(
    h('h2', { class: 'visually-hidden' }, 'Agents'),
    h('div', { class: 'agents-grid' }, codeReviewView(signal), h('div', { class: 'stack' }, fileAnalysisView(signal), tasksView(signal))),
  );
}
