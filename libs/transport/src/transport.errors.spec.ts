import { ReplicaLostError, ServiceUnavailableError, TransportTimeoutError } from './transport.errors';

describe('transport errors', () => {
  it('carry a stable code and status for the gateway filter', () => {
    expect(new TransportTimeoutError('ai-router', 'chat.complete', 30_000)).toMatchObject({
      code: 'TRANSPORT_TIMEOUT',
      status: 504,
      service: 'ai-router',
      pattern: 'chat.complete',
    });
    expect(new ServiceUnavailableError('media')).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(new ReplicaLostError('voice', 'voice.chat', 'x')).toMatchObject({ code: 'REPLICA_LOST', status: 502 });
  });

  it('name service, pattern and limit in the message', () => {
    expect(new TransportTimeoutError('ai-router', 'chat.complete', 500).message).toBe(
      'Service "ai-router" did not answer "chat.complete" within 500 ms',
    );
    expect(new TransportTimeoutError('ai-router', 'chat.stream', 500, true).message).toBe(
      'Service "ai-router" stopped streaming "chat.stream": no packet for 500 ms',
    );
    expect(new ServiceUnavailableError('search', 'search.web').message).toBe(
      'Service "search" is unavailable for "search.web": no live replica is registered',
    );
  });

  it('are real Errors with their class name and a JSON form', () => {
    const err = new ReplicaLostError('agents', 'agent.execute', 'replica a failed mid-stream');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ReplicaLostError');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({
      code: 'REPLICA_LOST',
      service: 'agents',
      message: expect.stringContaining('mid-stream'),
    });
  });
});
