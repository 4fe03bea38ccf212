import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { canObjects } from '../access/policy.js';
import { errors, type FieldErrors } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { ContentWriter } from '../content/content-writer.service.js';
import { mediaKeys, type FileStore } from './file-store.js';
import { inspectUpload, type UploadLimits } from './inspect-upload.js';

/** What the transport received: the form fields, and the file written to the temporary path it was given. */
export interface ReceivedUpload {
  fields: Record<string, string>;
  file?: {
    /** Bytes counted; beyond the limit they are counted but not kept. */
    size: number;
    /** False when even counting stopped (a hard cap far above the limit). */
    sizeKnown: boolean;
    declaredMime: string;
    fileName: string | undefined;
  };
}

/** Receives the request body into `tmpPath`; called only once the caller is allowed to upload. */
export type Receiver = (tmpPath: string) => Promise<ReceivedUpload>;

/**
 * `POST /api/media`: checks the caller, receives the file, checks its real type and size, stores it and creates its
 * `_media` object through ContentWriter (so validation, versions and policy apply as for any object). A failure at
 * any step leaves nothing behind: no object, no file, no temporary file.
 */
export class MediaUploadService {
  private tmpReady: Promise<unknown> | undefined;

  constructor(
    private readonly store: FileStore,
    private readonly writer: ContentWriter,
    private readonly limits: UploadLimits,
    private readonly tmpDir: string,
  ) {}

  async upload(p: Principal, receive: Receiver): Promise<string> {
    // before reading a byte: a key that may not upload should not make us write its file to disk
    if (!canObjects(p, 'create', '_media')) throw errors.forbidden();
    await (this.tmpReady ??= mkdir(this.tmpDir, { recursive: true }));
    const tmp = path.join(this.tmpDir, randomUUID());
    try {
      const { fields, file } = await receive(tmp);
      const errs: FieldErrors = {};
      // `type` is checked but the stored one comes from the bytes; `save` is ignored: uploads always persist (0005)
      if (fields.type !== undefined && fields.type !== 'image' && fields.type !== 'file') {
        errs.type = ['The value you selected is not a valid choice.'];
      }
      if (!file) throw errors.validation({ file: ['This value should not be blank.'], ...errs });
      const found = await inspectUpload({ path: tmp, ...file }, this.limits);
      if ('errors' in found) errs.file = found.errors;
      if ('errors' in found || Object.keys(errs).length > 0) throw errors.validation(errs);

      // an importer may keep the id the media had elsewhere (`id` field, Flotilla only; decision 0013)
      const id = fields.id ?? `_media-${randomUUID()}`;
      const key = mediaKeys.original(id);
      // never overwrite (and then, on a failed create, delete) the file of an existing media object
      if (fields.id !== undefined && (!REQUESTED_ID.test(id) || (await this.store.stat(key))))
        throw errors.validation({ id: [REQUESTED_ID.test(id) ? 'This value is already used' : 'This value is not valid.'] });
      await this.store.put(key, { path: tmp }); // the store takes the file over (on disk: one rename)
      try {
        const { mimeType, extension, fileName, type, width, height } = found;
        const body = {
          id,
          fileName,
          mimeType,
          size: file.size,
          width,
          height,
          url: `/image/0x0/${id}.${extension}`,
          externalId: '',
          source: 'disk',
          extension,
          type,
        };
        return withoutInternal(await this.writer.create(p, '_media', body));
      } catch (e) {
        await this.store.delete(key);
        throw e;
      }
    } finally {
      await rm(tmp, { force: true });
    }
  }
}

/** A kept id: Flotiq's id alphabet, not empty, bounded. */
const REQUESTED_ID = /^[a-zA-Z0-9\-_.,:=!?#$%&(`'{}" ]{1,200}$/;

/** Flotiq answers an upload with the object minus its `internal` block (§7.1). */
function withoutInternal(json: string): string {
  const { internal: _internal, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify(rest);
}
