import { RpcException } from '@nestjs/microservices';
import { decodeReply, decodeRequest, encodeReply, encodeRequest, REPLY_FIELD } from './packet.codec';

describe('packet codec', () => {
  it('round-trips a request with all fields', () => {
    const req = { id: '7', pattern: 'chat.complete', data: '{"a":1}', replyTo: 'nitro:rep:x', deadline: 123, traceId: 't1' };
    expect(decodeRequest(encodeRequest(req))).toEqual(req);
  });

  it('encodes events without id and replyTo', () => {
    const fields = encodeRequest({ pattern: 'user.deleted', data: '{}', deadline: 0, traceId: 't' });
    expect(fields).not.toContain('id');
    expect(fields).not.toContain('replyTo');
    expect(decodeRequest(fields)).toEqual({
      id: undefined,
      replyTo: undefined,
      pattern: 'user.deleted',
      data: '{}',
      deadline: 0,
      traceId: 't',
    });
  });

  it('rejects entries that are not requests', () => {
    expect(decodeRequest(null)).toBeNull();
    expect(decodeRequest(['hello', '1'])).toBeNull();
  });

  it('round-trips reply packets and keeps error payloads as plain objects', () => {
    const packet = { id: '1', seq: 2, from: 'svc:a', err: { status: 404, code: 'NOT_FOUND', message: 'nope' }, isDisposed: true };
    expect(decodeReply([REPLY_FIELD, encodeReply(packet)])).toEqual(packet);
  });

  it('turns Error instances into a plain payload with their message', () => {
    const decoded = decodeReply([REPLY_FIELD, encodeReply({ id: '1', seq: 0, from: 'a', err: new RpcException('bad') })]);
    expect(decoded?.err).toEqual({ status: 'error', message: 'bad' });
  });

  it('skips foreign or corrupt reply entries', () => {
    expect(decodeReply(['created', '1'])).toBeNull();
    expect(decodeReply([REPLY_FIELD, '{oops'])).toBeNull();
    expect(decodeReply([REPLY_FIELD, '{"id":1}'])).toBeNull();
  });
});
