import type { ReplyPacket } from './packet.codec';
import { ReplySequencer } from './reply-sequencer.util';

const p = (seq: number, from = 'A', extra: Partial<ReplyPacket> = {}): ReplyPacket => ({ id: 'r1', seq, from, response: seq, ...extra });
const seqs = (r: ReturnType<ReplySequencer['accept']>) => (r.kind === 'deliver' ? r.packets.map((x) => x.seq) : r.kind);

describe('ReplySequencer', () => {
  it('delivers in-order packets immediately', () => {
    const s = new ReplySequencer();
    expect(seqs(s.accept(p(0)))).toEqual([0]);
    expect(seqs(s.accept(p(1)))).toEqual([1]);
    expect(s.deliveredCount).toBe(2);
  });

  it('buffers early packets and releases them when the gap fills', () => {
    const s = new ReplySequencer();
    expect(seqs(s.accept(p(2)))).toEqual([]);
    expect(seqs(s.accept(p(1)))).toEqual([]);
    expect(seqs(s.accept(p(0)))).toEqual([0, 1, 2]);
  });

  it('drops duplicates, delivered or buffered', () => {
    const s = new ReplySequencer();
    s.accept(p(0));
    expect(seqs(s.accept(p(0)))).toEqual([]);
    s.accept(p(2));
    expect(seqs(s.accept(p(2)))).toEqual([]);
    expect(seqs(s.accept(p(1)))).toEqual([1, 2]);
  });

  it('switches to a new replica when nothing was delivered yet', () => {
    const s = new ReplySequencer();
    s.accept(p(1, 'A'));
    expect(seqs(s.accept(p(0, 'B')))).toEqual([0]);
    // the abandoned replica is ignored from now on
    expect(seqs(s.accept(p(0, 'A')))).toEqual([]);
    expect(seqs(s.accept(p(1, 'B')))).toEqual([1]);
  });

  it('reports a replica switch after output was delivered', () => {
    const s = new ReplySequencer();
    s.accept(p(0, 'A'));
    expect(s.accept(p(0, 'B'))).toEqual({ kind: 'replica-lost', previous: 'A', next: 'B' });
  });
});
