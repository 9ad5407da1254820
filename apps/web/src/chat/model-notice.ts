import { apiJson, currentSession } from '../api';
import { errorBox, h, toast } from '../dom';
import { getSse } from '../sse';
import type { AdminModelListDto, ModelListDto, ModelPullAcceptedDto, ModelPullStatusDto } from '@nitro/contracts';

/** Some model of the registry can answer chat now. */
export function hasChatModel(list: ModelListDto): boolean {
  return (list.models ?? []).some((m) => m.available && m.capabilities.includes('chat'));
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

/** "12 of 491 MB, 2.1 MB/s, about 3 min left" from a pull's status. */
function describe(s: ModelPullStatusDto): string {
  if (s.state === 'queued') return s.reason ? `Waiting to retry: ${s.reason}` : 'Waiting to start…';
  if (s.state === 'verifying') return 'Checking the file…';
  const parts = [s.total ? `${mb(s.bytes)} of ${mb(s.total)}` : mb(s.bytes)];
  if (s.rate) parts.push(`${mb(s.rate)}/s`);
  if (s.eta_ms) parts.push(`about ${s.eta_ms < 90_000 ? `${Math.ceil(s.eta_ms / 1000)} s` : `${Math.round(s.eta_ms / 60_000)} min`} left`);
  return parts.join(', ');
}

/**
 * Shown in the chat tab, above the composer, when no chat model can answer (GET /models has none
 * available): it says so before the first message. An admin gets the recommended model (GET
 * /admin/models) with a Download button and a progress bar fed by the pull's Server-Sent Events
 * (GET /admin/models/pull/{id}); a pull already running is followed. Others are told to ask their
 * administrator. `onReady` runs once a pulled model is done (the picker reloads GET /models).
 */
export function modelNotice(onReady: () => void): HTMLElement {
  const body = h('div', { class: 'model-notice-body' });
  const el = h(
    'section',
    { class: 'card model-notice', 'aria-labelledby': 'model-notice-title' },
    h('h3', { id: 'model-notice-title' }, 'No chat model is available'),
    h('p', {}, 'Chat cannot answer until a model is installed on the server.'),
    body,
  );
  if (currentSession()?.role !== 'admin') {
    body.append(h('p', { class: 'muted' }, 'Ask your administrator to install a chat model.'));
    return el;
  }
  void apiJson<AdminModelListDto>('/admin/models')
    .then((list) => {
      const running = list.pulls[0];
      const rec = list.recommended;
      if (running) return void follow(running.job_id, running.file_name);
      const button = h('button', { type: 'button', class: 'btn-primary', id: 'model-download' }, `Download ${rec.name}`);
      button.addEventListener('click', () => {
        button.disabled = true;
        apiJson<ModelPullAcceptedDto>('/admin/models/pull', {
          method: 'POST',
          // A file of that name that cannot answer is replaced (only once the new one verified); without replace: 409 MODEL_EXISTS.
          json: { model: rec.model, ...(rec.sha256 ? { sha256: rec.sha256 } : {}), ...(rec.present ? { replace: true } : {}) },
        }).then(
          (job) => follow(job.job_id, job.file_name),
          (e: Error) => ((button.disabled = false), body.append(errorBox(e.message))),
        );
      });
      body.replaceChildren(
        h(
          'p',
          {},
          `${rec.name}: about ${mb(rec.approx_bytes)}, licence ${rec.licence}. It is saved in the server's models folder (${list.models_dir}).`,
        ),
        button,
      );
    })
    .catch((e: Error) => body.replaceChildren(errorBox(`Cannot list the server's models: ${e.message}`)));

  /** The pull's events drive a progress bar until done (then onReady) or failed (the reason, and a retry). */
  function follow(jobId: string, fileName: string): void {
    const bar = h('progress', { max: 1, value: 0, 'aria-label': `Download of ${fileName}` });
    const line = h('p', { class: 'muted' }, 'Starting…');
    body.replaceChildren(bar, line);
    let ended = false;
    void getSse(`/admin/models/pull/${jobId}`, (e) => {
      const s = e.data as ModelPullStatusDto;
      if (s.total) bar.max = s.total;
      bar.value = s.bytes;
      line.textContent = describe(s);
      if (e.event === 'done') {
        ended = true;
        line.textContent = `${fileName} is ready: you can chat now.`;
        toast(`${fileName} is ready: you can chat now.`);
        onReady();
      } else if (e.event === 'failed') {
        ended = true;
        body.replaceChildren(errorBox(`The download failed: ${s.reason ?? 'unknown reason'}`));
      }
    })
      .then(() => !ended && follow(jobId, fileName)) // the stream was cut: read the state again
      .catch((e: Error) => body.replaceChildren(errorBox(e.message)));
  }
  return el;
}
