import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { ContentWriter } from '../content/content-writer.service.js';
import type { Storage } from '../storage/port.js';
import { DiskFileStore } from './disk-file-store.js';
import type { FileStore } from './file-store.js';
import { imageRoutes } from './image.routes.js';
import { ImageService } from './image.service.js';
import { mediaCleanup } from './media-cleanup.js';
import type { EventWorker } from '../events/event-worker.js';
import { MediaUploadService } from './media-upload.service.js';
import { mediaRoutes } from './media.routes.js';

export interface Media {
  files: FileStore;
  uploads: MediaUploadService;
  images: ImageService;
}

/**
 * The configured file store: a local (or mounted) folder, or an S3-compatible bucket every node shares. The AWS SDK
 * is loaded only when it is used (it costs a fifth of a second at start).
 */
export async function createFileStore(config: Config): Promise<FileStore> {
  if (!config.s3) return new DiskFileStore(config.mediaDir);
  const { S3FileStore } = await import('./s3-file-store.js');
  return S3FileStore.fromSettings(config.s3, path.join(config.dataDir, 'tmp', 's3-spool'));
}

/** The media services over the configured file store; originals and generated sizes both live in it. */
export async function createMedia(config: Config, storage: Storage, writer: ContentWriter): Promise<Media> {
  const files = await createFileStore(config);
  const limits = { maxBytes: config.mediaMaxBytes, mimeTypes: config.mediaMimeTypes };
  // uploads are received on local disk whatever the store, so a slow client never holds a store connection open
  const uploads = new MediaUploadService(files, writer, limits, path.join(config.dataDir, 'tmp', 'uploads'));
  const images = new ImageService(storage, files, {
    maxDimension: config.mediaMaxDimension,
    maxRenditions: config.mediaMaxRenditions,
    mimeTypes: config.mediaMimeTypes,
  });
  return { files, uploads, images };
}

/** Routes, and the event subscriber that removes the files of deleted `_media` objects. */
export async function registerMedia(server: FastifyInstance, media: Media, events: EventWorker, config: Config): Promise<void> {
  events.use('media-cleanup', mediaCleanup(media.files, server.log));
  await server.register(mediaRoutes(media.uploads, config.mediaMaxBytes));
  imageRoutes(server, media.images);
}
