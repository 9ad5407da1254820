import { counter, gauge, histogram } from '@nitro/observability';

/** Prometheus series of the media service (provider latency, job outcomes, queue depth, sweep repairs). */
export const imageMetrics = {
  providerSeconds: histogram(
    'nitro_media_provider_seconds',
    'Image provider call duration',
    ['provider', 'outcome'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  ),
  jobs: counter('nitro_media_jobs_total', 'Image job attempts by outcome', ['outcome']),
  jobSeconds: histogram(
    'nitro_media_job_seconds',
    'Enqueue-to-finish time of image jobs',
    ['outcome'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  ),
  queueDepth: gauge('nitro_media_queue_jobs', 'Image jobs by state', ['state']),
  sweepRepairs: counter('nitro_media_gallery_repairs_total', 'Inconsistencies the gallery sweep repaired', ['kind']),
};
