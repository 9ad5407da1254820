export * from './service-error';
export * from './rpc-exception.filter';
export * from './redis.provider';
export * from './service-kit.module';
export * from './bootstrap-service';
export * from './ping.controller';
export * from './outbound-http.util';
