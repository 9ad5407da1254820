import { metricsRegistry } from '@nitro/observability';
import { TransportMetrics } from './transport.metrics';

describe('TransportMetrics in-flight gauge', () => {
  it('reads every instance at scrape time and stops reading one that is untracked', async () => {
    const m = new TransportMetrics('server');
    let a = 2;
    const b = 3;
    const stopA = m.trackInFlight('spec-target', () => a);
    m.trackInFlight('spec-target', () => b);
    const value = async () =>
      (await metricsRegistry.getSingleMetric('nitro_transport_in_flight')!.get()).values.find(
        (v) => v.labels.side === 'server' && v.labels.target === 'spec-target',
      )?.value;
    expect(await value()).toBe(5);
    a = 7;
    expect(await value()).toBe(10);
    stopA();
    expect(await value()).toBe(3);
  });
});
