export * from './media.patterns';
export * from './gallery.dto';
export * from './image-job.dto';
export * from './generate-image.dto';
