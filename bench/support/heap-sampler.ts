/**
 * Preloaded into a service (`node --require …/heap-sampler.js`) by the profile bench's `alloc` mode: the first
 * SIGWINCH starts V8's sampling heap profiler, counting objects that garbage collection has already freed (what
 * `--heap-prof` leaves out, and what a request path's allocation rate is made of); the next SIGWINCH stops it and
 * writes `heap.<pid>.heapprofile` (the DevTools `HeapProfiler.SamplingHeapProfile` shape) into
 * NITRO_HEAP_SAMPLE_DIR. The inspector session runs on the service's own thread, no port is opened. SIGWINCH because
 * its default action is to ignore it and Nest's shutdown hooks do not listen to it (they do to SIGUSR2).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.NITRO_HEAP_SAMPLE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let sampling = false;
  process.on('SIGWINCH', () => {
    if (!sampling) {
      sampling = true;
      // 4 KB: a sample every 4 KB allocated on average, a few thousand samples per second under load.
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      return;
    }
    sampling = false;
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (!err) writeFileSync(join(dir, `heap.${process.pid}.heapprofile`), JSON.stringify(result.profile));
    });
  });
}
