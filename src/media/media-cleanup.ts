import type { FastifyBaseLogger } from 'fastify';
import { mediaKeys, type FileStore } from './file-store.js';

/**
 * After `_media` objects are deleted (the deletion is already committed and was already allowed): remove each
 * one's original and every generated size. A failure is logged, not thrown: the object is gone either way, and a
 * leftover file is unreachable because every image request looks the object up first.
 */
export function removeMediaFiles(store: FileStore, log: FastifyBaseLogger) {
  return async (type: string, ids: readonly string[]): Promise<void> => {
    if (type !== '_media') return;
    for (const id of ids) {
      try {
        await store.delete(mediaKeys.original(id));
        for (const key of await store.list(mediaKeys.renditionPrefix(id))) await store.delete(key);
      } catch (e) {
        log.error(
          { err: { message: (e as Error).message }, mediaId: id },
          'could not remove the files of a deleted media object',
        );
      }
    }
  };
}
