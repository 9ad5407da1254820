import { apiJson, currentSession } from '../api';
import { busy, field, h, select, toast } from '../dom';
import { AuthedUrls } from '../images/authed-url';
import { GalleryView } from '../images/gallery.view';
import { followJob, JobRef } from '../images/job-card';
import { describeProblem } from '../problem';
import type { ImageProviderStatusDto } from '@nitro/contracts';

type Provider = ImageProviderStatusDto;

const SIZES: [string, string][] = [
  ['256x256', 'Small square (256×256)'],
  ['512x512', 'Square (512×512)'],
  ['768x512', 'Landscape (768×512)'],
  ['512x768', 'Portrait (512×768)'],
  ['1024x1024', 'Large square (1024×1024)'],
];
const STYLES = [
  '3d-model',
  'analog-film',
  'anime',
  'cinematic',
  'comic-book',
  'digital-art',
  'enhance',
  'fantasy-art',
  'isometric',
  'line-art',
  'low-poly',
  'modeling-compound',
  'neon-punk',
  'origami',
  'photographic',
  'pixel-art',
  'tile-texture',
];

/** Jobs still running when the person left the tab: followed again on return. */
const running = new Map<string, JobRef>();

/** Images: describe a picture, watch the job's progress, find it in the gallery. */
export function imagesTab(root: HTMLElement, signal: AbortSignal): void {
  const user = currentSession()!.userId;
  const urls = new AuthedUrls(signal);
  const gallery = new GalleryView(urls, signal);
  const prompt = h('textarea', { rows: 3, required: true, maxlength: 2000, placeholder: 'A lighthouse on a cliff at dusk, oil painting' });
  const size = select(SIZES, '512x512');
  const count = select(
    [
      ['1', '1'],
      ['2', '2'],
      ['3', '3'],
      ['4', '4'],
    ],
    '1',
  );
  const style = select([['', 'None'], ...STYLES.map((s): [string, string] => [s, s.replace(/-/g, ' ')])], '');
  const provider = select([['', 'Automatic']], '');
  const seed = h('input', { type: 'number', min: 0, max: 4294967294, step: 1, placeholder: 'Random', inputmode: 'numeric' });
  const negative = h('textarea', { rows: 2, maxlength: 2000, placeholder: 'blurry, text, watermark' });
  const providerNote = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const go = h('button', { type: 'submit', class: 'btn-primary' }, 'Generate');
  const jobs = h('div', { class: 'jobs' });

  async function generate() {
    const [width, height] = size.value.split('x').map(Number);
    const settings: Record<string, unknown> = { width, height, count: Number(count.value) };
    if (style.value) settings.style_preset = style.value;
    if (provider.value) settings.provider = provider.value;
    if (seed.value !== '') settings.seed = Number(seed.value);
    if (negative.value.trim()) settings.negative_prompt = negative.value.trim();
    try {
      const job = await apiJson<JobRef>('/generate-image', {
        method: 'POST',
        json: { prompt: prompt.value.trim(), user_id: user, settings },
        signal,
      });
      const ref = { ...job, prompt: prompt.value.trim() };
      running.set(ref.job_id, ref);
      follow(ref);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') toast(describeProblem(err as Error, 'images').message, 'error');
    }
  }

  function follow(job: JobRef) {
    jobs.prepend(
      followJob(
        job,
        (images) => gallery.prepend(images),
        () => running.delete(job.job_id),
        signal,
      ),
    );
  }

  function describeProvider() {
    const p = providers.find((x) => x.name === provider.value);
    providerNote.textContent = p
      ? p.ai
        ? `${p.model ?? p.name}`
        : `${p.model ?? p.name}: draws a pattern from your prompt, it is not an AI model.`
      : 'The server tries its providers in order and says which one drew each image.';
  }
  let providers: Provider[] = [];
  provider.addEventListener('change', describeProvider);
  describeProvider();
  void apiJson<Provider[]>('/images/providers', { signal })
    .then((list) => {
      providers = list;
      for (const p of list)
        provider.append(
          h(
            'option',
            { value: p.name, disabled: !p.available },
            `${p.name}${p.available ? '' : ` (${currentSession()?.role === 'admin' ? (p.reason ?? 'unavailable') : 'not set up'})`}`,
          ),
        );
    })
    .catch(() => undefined);

  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'gen-title',
      onsubmit: (e: Event) => (e.preventDefault(), prompt.value.trim() && void busy(go, 'Sending…', generate)),
    },
    h('h3', { id: 'gen-title' }, 'New image'),
    field('Prompt', prompt),
    h('div', { class: 'row' }, field('Size', size), field('Images', count)),
    h('div', { class: 'row' }, field('Style', style), field('Provider', provider)),
    providerNote,
    h(
      'details',
      { class: 'more' },
      h('summary', {}, 'More settings'),
      field('Seed', seed, 'The same prompt, seed and provider draw the same picture.'),
      field('Leave out', negative),
    ),
    h('div', { class: 'row' }, go),
    jobs,
  );
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  root.append(h('h2', { class: 'visually-hidden' }, 'Images'), h('div', { class: 'images-layout' }, form, gallery.el));
  void gallery.load(true);
  for (const job of running.values()) follow(job);
}
