export * from './services.constants';
export * from './common/rpc-error';
export * from './common/ids';
export * from './chat/chat.patterns';
export * from './chat/chat.dto';
export * from './search';
export * from './agents';
export * from './voice';
