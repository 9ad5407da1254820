import { apiJson } from '../api';
import { h } from '../dom';
import { problemBox } from '../problem';
import { getSse } from '../sse';
import type { GalleryItem } from './gallery.view';

export interface JobRef {
  job_id: string;
  prompt: string;
  events_url: string;
  status_url: string;
}

const STAGE_TEXT: Record<string, string> = {
  queued: 'Waiting in the queue…',
  generating: 'Drawing…',
  storing: 'Saving to your gallery…',
  done: 'Done',
  failed: 'Failed',
};

/**
 * One image job followed over its Server-Sent Events: a progress bar with the stage in words.
 * If the stream ends early (proxy, network) the job is polled until it finishes: the job itself
 * keeps running on the server regardless of this page.
 */
export function followJob(job: JobRef, onDone: (images: GalleryItem[]) => void, onEnd: () => void, signal: AbortSignal): HTMLElement {
  const bar = h('progress', { max: 100, 'aria-label': `Progress of “${job.prompt}”` });
  const stage = h('span', { class: 'job-stage' }, STAGE_TEXT.queued);
  const card = h(
    'div',
    { class: 'job', 'data-job': job.job_id, 'aria-live': 'polite' },
    h('div', { class: 'prompt' }, h('strong', {}, job.prompt)),
    bar,
    h('div', { class: 'muted small' }, stage),
  );
  let finished = false;

  const show = (s: { stage: string; percent?: number; provider?: string }) => {
    stage.textContent = `${STAGE_TEXT[s.stage] ?? s.stage}${s.provider ? ` · ${s.provider}` : ''}${s.percent !== undefined && s.stage !== 'done' ? ` · ${Math.round(s.percent)}%` : ''}`;
    if (s.percent !== undefined) bar.value = s.percent;
    else if (s.stage === 'queued') bar.removeAttribute('value'); // indeterminate while waiting
    card.dataset.stage = s.stage;
  };
  const done = (result: { images: GalleryItem[]; ai_source: string }) => {
    finished = true;
    bar.value = 100;
    show({ stage: 'done', provider: result.ai_source });
    onDone(result.images);
    setTimeout(() => card.remove(), 2500);
    onEnd();
  };
  const failed = (reason: string) => {
    finished = true;
    card.dataset.stage = 'failed';
    bar.remove();
    stage.textContent = STAGE_TEXT.failed;
    card.append(problemBox({ message: reason }, 'images'));
    onEnd();
  };

  async function poll() {
    while (!finished && !signal.aborted) {
      try {
        const s = await apiJson<{
          stage: string;
          percent?: number;
          provider?: string;
          reason?: string;
          result?: { images: GalleryItem[]; ai_source: string };
        }>(job.status_url, { signal });
        if (s.stage === 'done' && s.result) return done(s.result);
        if (s.stage === 'failed') return failed(s.reason ?? 'The job failed.');
        show(s);
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
        stage.textContent = `Checking again… (${(err as Error).message})`;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  bar.removeAttribute('value');
  void getSse(
    job.events_url,
    (e) => {
      if (e.event === 'progress') show(e.data);
      else if (e.event === 'done') done(e.data);
      else if (e.event === 'failed' || e.event === 'error') failed(e.data.reason ?? e.data.message ?? 'The job failed.');
    },
    signal,
  )
    .catch(() => undefined)
    .then(() => {
      if (!finished && !signal.aborted) void poll();
    });
  return card;
}
