import { api, apiJson, currentSession, errorFrom } from '../api';
import { busy, clear, errorBox, field, formatTime, h, select, toast } from '../dom';
import type { ScheduledTaskDto, TaskRunDto } from '@nitro/contracts';

type Task = ScheduledTaskDto;
type Run = TaskRunDto;

export function describeSchedule(s: Task['schedule']): string {
  if (s.cron) return `cron ${s.cron}${s.timezone ? ` (${s.timezone})` : ''}`;
  if (s.every_ms) return `every ${duration(s.every_ms)}`;
  if (s.delay_ms !== undefined) return `once, ${duration(s.delay_ms)} after creation`;
  return '—';
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** Scheduled tasks: schedule a prompt, see each task's state and runs, cancel. */
export function tasksView(signal: AbortSignal): HTMLElement {
  const user = encodeURIComponent(currentSession()!.userId);
  const list = h('div', { class: 'tasks', 'aria-live': 'polite' });
  const prompt = h('input', { type: 'text', required: true, maxlength: 8000, placeholder: 'Give me a motivational quote.' });
  const name = h('input', { type: 'text', maxlength: 100, placeholder: 'Optional' });
  const kind = select(
    [
      ['every', 'Every N minutes'],
      ['delay', 'Once, in N minutes'],
      ['cron', 'Cron expression'],
    ],
    'every',
  );
  const when = h('input', { type: 'text', required: true, value: '60', inputmode: 'numeric' });
  const add = h('button', { type: 'submit', class: 'btn-primary', id: 'schedule-add' }, 'Schedule');
  const refresh = h('button', { type: 'button', class: 'btn-secondary', onclick: () => void load() }, 'Refresh');
  const whenField = field('Minutes', when);
  kind.addEventListener('change', () => {
    const cron = kind.value === 'cron';
    when.value = cron ? '0 9 * * 1-5' : '60';
    when.inputMode = cron ? 'text' : 'numeric';
    whenField.querySelector('label')!.textContent = cron ? 'Cron (min hour day month weekday)' : 'Minutes';
  });

  async function create() {
    const body: Record<string, unknown> = { prompt: prompt.value.trim() };
    if (name.value.trim()) body.name = name.value.trim();
    if (kind.value === 'cron') body.cron = when.value.trim();
    else {
      const minutes = Number(when.value);
      if (!(minutes > 0)) return toast('Give the minutes as a number above 0.', 'error');
      body[kind.value === 'every' ? 'every_ms' : 'delay_ms'] = Math.round(minutes * 60_000);
    }
    try {
      await apiJson(`/agent/tasks/${user}`, { method: 'POST', json: body, signal });
      prompt.value = '';
      name.value = '';
      toast('Task scheduled.');
      await load();
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }

  async function cancel(t: Task, button: HTMLButtonElement) {
    await busy(button, 'Cancelling…', async () => {
      const res = await api(`/agent/tasks/${user}/${t.task_id}`, { method: 'DELETE', signal });
      if (!res.ok) toast((await errorFrom(res)).message, 'error');
    });
    await load();
  }

  async function load() {
    try {
      const tasks = await apiJson<Task[]>(`/agent/tasks/${user}`, { signal });
      clear(list);
      if (!tasks.length) return void list.append(h('p', { class: 'muted' }, 'No scheduled tasks yet.'));
      list.append(h('ul', { class: 'task-list' }, ...tasks.map(row)));
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      clear(list);
      list.append(errorBox((err as Error).message, () => void load()));
    }
  }

  function row(t: Task): HTMLElement {
    const label = t.name || t.action.prompt || t.action.task || t.task_id;
    const runs = h('details', { class: 'runs' }, h('summary', {}, `${t.runs} run${t.runs === 1 ? '' : 's'}`));
    runs.addEventListener('toggle', () => runs.open && void showRuns(t, runs), { once: true });
    const cancelBtn = h('button', { type: 'button', class: 'btn-secondary danger', 'aria-label': `Cancel task ${label}` }, 'Cancel');
    cancelBtn.addEventListener('click', () => void cancel(t, cancelBtn));
    return h(
      'li',
      { class: `task status-${t.status}` },
      h(
        'div',
        { class: 'task-head' },
        h('strong', { class: 'task-name' }, label),
        h('span', { class: `pill status-${t.status}` }, t.status),
        t.status === 'active' ? cancelBtn : null,
      ),
      h(
        'div',
        { class: 'muted small' },
        describeSchedule(t.schedule),
        t.next_run_at && t.status === 'active' ? ` · next at ${formatTime(t.next_run_at)}` : '',
        t.action.task ? ` · task ${t.action.task}` : '',
      ),
      runs,
    );
  }

  async function showRuns(t: Task, into: HTMLElement) {
    try {
      const { runs } = await apiJson<{ runs: Run[] }>(`/agent/tasks/${user}/${t.task_id}/runs?limit=10`, { signal });
      into.append(
        runs.length
          ? h(
              'ol',
              { class: 'run-list' },
              ...runs.map((r) =>
                h(
                  'li',
                  {},
                  h('span', { class: `pill ${r.status === 'ok' ? 'sev-info' : 'sev-error'}` }, r.status),
                  ` ${formatTime(r.started_at)} `,
                  h('span', { class: 'run-result' }, r.error?.message ?? preview(r.result)),
                ),
              ),
            )
          : h('p', { class: 'muted small' }, 'No runs yet.'),
      );
    } catch (err) {
      into.append(errorBox((err as Error).message));
    }
  }

  void load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tasks-title' },
    h('div', { class: 'card-head' }, h('h3', { id: 'tasks-title' }, 'Scheduled tasks'), refresh),
    h(
      'form',
      { class: 'schedule-form', onsubmit: (e: Event) => (e.preventDefault(), void busy(add, 'Scheduling…', create)) },
      field('Prompt to run', prompt),
      h('div', { class: 'row' }, field('When', kind), whenField),
      h('div', { class: 'row' }, field('Name', name), add),
    ),
    list,
  );
}

/** A run's result in one line: the answer text when there is one, else compact JSON. */
function preview(result: unknown): string {
  const r = result as { response?: string } | string | undefined;
  const text = typeof r === 'string' ? r : (r?.response ?? JSON.stringify(r ?? ''));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
