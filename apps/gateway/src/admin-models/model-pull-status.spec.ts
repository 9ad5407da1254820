import { readPullStatus, type ModelPullJob } from './model-pull-status';

describe('readPullStatus', () => {
  it('reads the state before the job, so a failed pull carries the failure kind its worker wrote before failing', async () => {
    const calls: string[] = [];
    const job = {
      id: 'pull-1',
      data: { model: 'http://x/m.gguf', file_name: 'm.gguf' },
      progress: { state: 'failed', bytes: 0, total: 0, rate: 0, eta_ms: null, seq: 3, failure: 'not_found', reason: 'HTTP 404' },
      attemptsMade: 1,
      timestamp: 0,
      finishedOn: 1,
      failedReason: 'm.gguf does not exist (HTTP 404)',
      getState: async () => (calls.push('job.getState'), 'failed'),
    } as unknown as ModelPullJob;
    const queue = {
      getJobState: async () => (calls.push('getJobState'), 'failed' as const),
      getJob: async () => (calls.push('getJob'), job),
    };
    const status = await readPullStatus(queue as never, 'pull-1');
    expect(calls).toEqual(['getJobState', 'getJob']);
    expect(status).toMatchObject({ state: 'failed', failure: 'not_found', reason: 'm.gguf does not exist (HTTP 404)' });
    expect(await readPullStatus({ getJobState: async () => 'unknown', getJob: async () => undefined } as never, 'nope')).toBeUndefined();
  });
});
