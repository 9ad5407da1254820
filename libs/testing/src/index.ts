export * from './wait-for.util';
export * from './free-port.util';
export * from './redis-server.util';
export * from './spawn-service.util';
export { stopAllProcesses } from './process-registry.util';
export * from './redis-cluster.harness';
export * from './seeded-random.util';
