import { EventEmitter } from 'node:events';
import { firstValueFrom, toArray } from 'rxjs';
import type { QueueEvents } from 'bullmq';
import { BullmqJobFollower, type JobTracker } from './bullmq-job-follower.util';

type P = { seq: number; note: string };
type Out = { seq: number; note: string; final?: boolean };

/** The job as a test moves it: its current state, and how many times it was read. */
class FakeJobState {
  seq = 1;
  note = 'queued';
  final = false;
  reads = 0;
  gone = false;
  /** When set, the next read waits until the test calls it. */
  gate?: Promise<void>;
}

/** A tracker as the followers write them: drop what is not newer than the last sent `seq`. */
function trackerOf(job: FakeJobState): () => JobTracker<P, Out> {
  return () => {
    let last = 0;
    return {
      snapshot: async () => {
        job.reads++;
        // What the read sees is the state when it starts; the gate only delays its answer.
        const { seq, note, final, gone } = job;
        if (job.gate) await job.gate;
        if (gone) throw new Error('job gone');
        if (!final && seq <= last) return [];
        last = seq;
        return [{ seq, note, ...(final ? { final: true } : {}) }];
      },
      progress: (d) => {
        if (d.note === 'boom') throw new Error('bad payload');
        if (d.seq <= last) return [];
        last = d.seq;
        return [{ seq: d.seq, note: d.note }];
      },
      isFinal: (e) => !!e.final,
    };
  };
}

describe('BullmqJobFollower (listen, snapshot, replay in order)', () => {
  let events: EventEmitter;
  let job: FakeJobState;
  let follower: BullmqJobFollower<P>;
  const tick = () => new Promise((r) => setImmediate(r));
  const progress = (seq: number, note: string, jobId = 'j1') => events.emit('progress', { jobId, data: { seq, note } });
  const notes = (out: Out[]) => out.map((e) => `${e.seq}:${e.note}`);

  beforeEach(() => {
    events = new EventEmitter();
    job = new FakeJobState();
    follower = new BullmqJobFollower<P>(events as unknown as QueueEvents, { label: 'test', stateEvents: ['completed', 'failed'] });
    follower.start();
  });

  it('sends the snapshot, then live progress, and completes on the final state read after `completed`', async () => {
    const all = firstValueFrom(follower.follow('j1', trackerOf(job)).pipe(toArray()));
    await tick();
    progress(2, 'working');
    progress(3, 'storing');
    Object.assign(job, { seq: 4, note: 'done', final: true });
    events.emit('completed', { jobId: 'j1', returnvalue: '{}' });
    expect(notes(await all)).toEqual(['1:queued', '2:working', '3:storing', '4:done']);
  });

  it('holds events that arrive during the snapshot, replays them after it in arrival order, drops stale ones', async () => {
    let release!: () => void;
    job.gate = new Promise<void>((r) => (release = r));
    Object.assign(job, { seq: 3, note: 'working more' });
    const all = firstValueFrom(follower.follow('j1', trackerOf(job)).pipe(toArray()));
    await tick();
    // The worker moves on while the state (seq 3) is being read: 2 and 3 are stale, 4 is new.
    progress(2, 'working');
    progress(3, 'working more');
    progress(4, 'storing');
    Object.assign(job, { seq: 5, note: 'done', final: true });
    events.emit('completed', { jobId: 'j1' });
    job.gate = undefined;
    release();
    // The held `completed` re-reads the state only after progress 4 was sent.
    expect(notes(await all)).toEqual(['3:working more', '4:storing', '5:done']);
  });

  it('a late subscriber to a finished job gets the final event at once and the stream ends', async () => {
    Object.assign(job, { seq: 9, note: 'done', final: true });
    expect(notes(await firstValueFrom(follower.follow('j1', trackerOf(job)).pipe(toArray())))).toEqual(['9:done']);
  });

  it('reads the state again every resyncMs, so a missed event is caught up', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const f = new BullmqJobFollower<P>(new EventEmitter() as unknown as QueueEvents, {
        label: 't',
        stateEvents: ['completed'],
        resyncMs: 1_000,
      });
      const seen: Out[] = [];
      let completed = false;
      f.follow('j1', trackerOf(job)).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
      await tick();
      Object.assign(job, { seq: 2, note: 'working' });
      jest.advanceTimersByTime(1_000);
      await tick();
      // Nothing new: nothing sent.
      jest.advanceTimersByTime(1_000);
      await tick();
      // The `completed` event was lost; the timer still sees the end.
      Object.assign(job, { seq: 3, note: 'done', final: true });
      jest.advanceTimersByTime(1_000);
      await tick();
      expect(notes(seen)).toEqual(['1:queued', '2:working', '3:done']);
      expect(completed).toBe(true);
      const reads = job.reads;
      jest.advanceTimersByTime(5_000);
      await tick();
      expect(job.reads).toBe(reads);
      expect(jest.getTimerCount()).toBe(0); // the timer stopped with the stream
    } finally {
      jest.useRealTimers();
    }
  });

  it('other jobs’ events are not delivered; unsubscribing removes the listener and the timer', async () => {
    const f = new BullmqJobFollower<P>(events as unknown as QueueEvents, { label: 't', stateEvents: ['completed'], resyncMs: 5 });
    f.start();
    const seen: Out[] = [];
    const sub = f.follow('j1', trackerOf(job)).subscribe((e) => seen.push(e));
    await tick();
    progress(99, 'other job', 'j2');
    await tick();
    expect(notes(seen)).toEqual(['1:queued']);
    sub.unsubscribe();
    const reads = job.reads;
    progress(2, 'after unsubscribe');
    events.emit('completed', { jobId: 'j1' });
    await new Promise((r) => setTimeout(r, 30));
    expect(notes(seen)).toEqual(['1:queued']);
    expect(job.reads).toBe(reads);
    expect((f as unknown as { listeners: Map<string, unknown> }).listeners.size).toBe(0);
  });

  it('a snapshot that throws (the job is gone) ends the stream with that error', async () => {
    job.gone = true;
    await expect(firstValueFrom(follower.follow('j1', trackerOf(job)))).rejects.toThrow('job gone');
  });

  it('a mapping that throws on a live event errors the stream once and cleans up', async () => {
    const errors: unknown[] = [];
    const seen: Out[] = [];
    follower.follow('j1', trackerOf(job)).subscribe({ next: (e) => seen.push(e), error: (e) => errors.push(e) });
    await tick();
    progress(2, 'boom');
    progress(3, 'after the error');
    await tick();
    expect(notes(seen)).toEqual(['1:queued']);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('bad payload');
    expect((follower as unknown as { listeners: Map<string, unknown> }).listeners.size).toBe(0);
  });
});
