export * from './model-uri';
export * from './model-admin.dto';
