import type { FastifyBaseLogger } from 'fastify';
import type { EventConsumer } from '../events/event-worker.js';
import { mediaKeys, mediaIdOfOriginal, type FileStore } from './file-store.js';

/**
 * Subscriber to content events: when `_media` objects are deleted, or the whole type is purged, their originals and
 * every generated size are removed. Runs after the change committed (never for one that rolled back), at least
 * once; removing a missing file is not an error. A failure is logged, not thrown: a leftover file is unreachable,
 * because every image request looks the object up first.
 */
export function mediaCleanup(store: FileStore, log: FastifyBaseLogger): EventConsumer {
  const remove = async (id: string) => {
    try {
      await store.delete(mediaKeys.original(id));
      for (const key of await store.list(mediaKeys.renditionPrefix(id))) await store.delete(key);
    } catch (e) {
      log.error({ err: { message: (e as Error).message }, mediaId: id }, 'could not remove the files of a deleted media object');
    }
  };
  return async (events, tx) => {
    for (const e of events) {
      if (e.contentType !== '_media') continue;
      if (e.kind === 'object' && e.action === 'delete' && e.objectId) await remove(e.objectId);
      if (e.kind === 'type' && e.action === 'purge') {
        // the rows are gone: every file whose object no longer exists (live or soft-deleted) goes too
        for (const key of await store.list('originals/')) {
          const id = mediaIdOfOriginal(key);
          if (id !== undefined && !(await tx.getObjectAnyState('_media', id))) await remove(id);
        }
      }
    }
  };
}
