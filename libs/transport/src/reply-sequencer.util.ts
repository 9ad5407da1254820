import type { ReplyPacket } from './packet.codec';

export type SequencerResult =
  | { kind: 'deliver'; packets: ReplyPacket[] }
  /** A second replica started answering after the first one had already delivered output. */
  | { kind: 'replica-lost'; previous: string; next: string };

/**
 * Per-request reorder buffer on the client. Delivers packets strictly by `seq`, drops duplicates
 * (a reconnect re-reads the reply stream from 0) and decides what to do when packets come from
 * a different replica than before (the first one died and its request was reclaimed):
 * - nothing delivered yet: switch to the new replica and forget the old one's packets;
 * - something delivered: report it, because replaying a stream from the start would duplicate output.
 */
export class ReplySequencer {
  private responder?: string;
  private readonly abandoned = new Set<string>();
  private next = 0;
  private delivered = 0;
  private readonly early = new Map<number, ReplyPacket>();

  get deliveredCount(): number {
    return this.delivered;
  }

  /** The replica currently answering (known after its first packet). */
  get currentResponder(): string | undefined {
    return this.responder;
  }

  accept(packet: ReplyPacket): SequencerResult {
    if (this.responder === undefined) {
      this.responder = packet.from;
    } else if (packet.from !== this.responder) {
      // A replica we already switched away from may still be alive (e.g. it stalled): ignore it.
      if (this.abandoned.has(packet.from)) return { kind: 'deliver', packets: [] };
      if (this.delivered > 0) return { kind: 'replica-lost', previous: this.responder, next: packet.from };
      this.abandoned.add(this.responder);
      this.responder = packet.from;
      this.next = 0;
      this.early.clear();
    }
    if (packet.seq < this.next || this.early.has(packet.seq)) return { kind: 'deliver', packets: [] };
    if (packet.seq > this.next) {
      this.early.set(packet.seq, packet);
      return { kind: 'deliver', packets: [] };
    }
    const packets = [packet];
    this.next++;
    for (let queued = this.early.get(this.next); queued; queued = this.early.get(this.next)) {
      this.early.delete(this.next);
      packets.push(queued);
      this.next++;
    }
    this.delivered += packets.length;
    return { kind: 'deliver', packets };
  }
}
