export * from './s3-client.factory';
export * from './gallery-keys';
export * from './gallery-objects.repository';
export * from './gallery-index.repository';
export * from './gallery.store';
