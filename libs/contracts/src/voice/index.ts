export * from './voice.patterns';
export * from './voice-formats';
export * from './voice.dto';
export * from './voice.wire';
