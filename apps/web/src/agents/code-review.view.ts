import { apiJson, currentSession } from '../api';
import { busy, checkbox, clear, errorBox, field, h, select } from '../dom';
import { renderMarkdown } from '../markdown';
import type { CodeReportDto, FindingDto } from '@nitro/contracts';

type Finding = FindingDto;
type CodeReport = CodeReportDto;

const LANGUAGES: [string, string][] = [
  ['', 'Detect'],
  ['python', 'Python'],
  ['javascript', 'JavaScript'],
  ['typescript', 'TypeScript'],
  ['go', 'Go'],
  ['java', 'Java'],
];

/**
 * Paste code, get the static findings (tree-sitter, exact lines) and, apart from them, the
 * model's comments: the first are facts about the code, the second are opinions.
 */
export function codeReviewView(signal: AbortSignal): HTMLElement {
  const code = h('textarea', {
    rows: 12,
    spellcheck: 'false',
    class: 'code-input',
    required: true,
    placeholder: "def hello():\n    print('hi')",
  });
  const language = select(LANGUAGES, '');
  const withLlm = checkbox('Ask the AI for a review too', true);
  const go = h('button', { type: 'submit', class: 'btn-primary' }, 'Review code');
  const out = h('div', { class: 'review-out', 'aria-live': 'polite' });

  async function run() {
    if (!code.value.trim()) return;
    clear(out);
    const body: Record<string, unknown> = { code: code.value, user_id: currentSession()!.userId, llm: withLlm.input.checked };
    if (language.value) body.language = language.value;
    try {
      draw(await apiJson<CodeReport>('/agent/code-review', { method: 'POST', json: body, signal }));
    } catch (err) {
      if ((err as Error).name !== 'AbortError') out.append(errorBox((err as Error).message, () => void busy(go, 'Reviewing…', run)));
    }
  }

  function draw(r: CodeReport) {
    const counts = (['error', 'warning', 'info'] as const).map((s) =>
      h('span', { class: `pill sev-${s}` }, `${r.summary[s] ?? 0} ${s}${(r.summary[s] ?? 0) === 1 ? '' : 's'}`),
    );
    out.append(
      h('p', { class: 'muted small' }, `${r.language} (${r.language_source}) · ${r.lines} lines · ${r.functions.length} functions`),
      h('h4', {}, 'Static findings ', ...counts),
      r.findings.length ? findingsTable(r.findings) : h('p', { class: 'muted' }, 'No findings: the checks found nothing to flag.'),
      h('h4', {}, 'AI review'),
      llmPart(r),
    );
  }

  // Ctrl/Cmd+Enter submits from inside the code box, where Enter is a newline.
  code.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      go.click();
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'review-title' },
    h('h3', { id: 'review-title' }, 'Code review'),
    h(
      'form',
      { onsubmit: (e: Event) => (e.preventDefault(), void busy(go, 'Reviewing…', run)) },
      field('Code', code, 'Python, JavaScript, TypeScript, Go or Java. Ctrl+Enter to review.'),
      h('div', { class: 'row' }, field('Language', language), withLlm.el, go),
    ),
    out,
  );
}

function findingsTable(findings: Finding[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'findings' },
      h('caption', { class: 'visually-hidden' }, 'Static findings, by line'),
      h('thead', {}, h('tr', {}, ...['Line', 'Severity', 'Rule', 'Finding', 'Suggestion'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...findings.map((f) =>
          h(
            'tr',
            {},
            h('td', { class: 'num' }, String(f.line)),
            h('td', {}, h('span', { class: `pill sev-${f.severity}` }, f.severity)),
            h('td', {}, h('code', {}, f.rule)),
            h('td', {}, f.message, f.symbol ? h('span', { class: 'muted' }, ` (${f.symbol})`) : null),
            h('td', {}, f.suggestion),
          ),
        ),
      ),
    ),
  );
}

function llmPart(r: CodeReport): HTMLElement {
  if (r.llm_review) {
    return h(
      'div',
      { class: 'llm-review' },
      h('div', { class: 'md scroll', tabindex: '0', role: 'region', 'aria-label': 'AI text' }, renderMarkdown(r.llm_review.text)),
      h('p', { class: 'muted small' }, `${r.llm?.ai_source ?? ''} / ${r.llm?.ai_model ?? ''} · an opinion, not checked against the code`),
    );
  }
  return h(
    'p',
    { class: 'muted' },
    r.llm?.available === false
      ? `Not available: ${r.llm.reason ?? 'no model could answer'}. The static findings above stand on their own.`
      : 'Not requested.',
  );
}
