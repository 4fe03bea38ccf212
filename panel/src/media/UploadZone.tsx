import { useId, useRef, useState, type DragEvent } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import { uploadMedia } from '../api/media.js';
import { useNotices } from '../app/notices.js';
import { Icon } from '../ui/Icon.js';

/** Picks or drops files and uploads them one by one through the Panel's session. */
export function UploadZone({ onUploaded }: { onUploaded(): void }) {
  const { notify } = useNotices();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState('');
  const [over, setOver] = useState(false);
  const [unavailable, setUnavailable] = useState(false);

  const upload = async (files: File[]) => {
    let done = 0;
    for (const file of files) {
      setBusy(`Uploading ${file.name}…`);
      try {
        await uploadMedia(file);
        done++;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
          setUnavailable(true);
          break;
        }
        const fields = fieldErrorsOf(e);
        notify('error', `${file.name} was not uploaded: ${fields ? Object.values(fields).flat().join(' ') : errorMessage(e)}`);
      }
    }
    setBusy('');
    if (input.current) input.current.value = '';
    if (done) {
      notify('success', done === 1 ? 'The file was uploaded.' : `${done} files were uploaded.`);
      onUploaded();
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!busy && e.dataTransfer.files.length) void upload([...e.dataTransfer.files]);
  };

  if (unavailable) {
    return (
      <div className="upload-zone upload-off" role="status">
        <p>
          Uploading from the Panel is not available on this server yet. Files uploaded through the API (
          <code>POST /api/media</code>) appear below.
        </p>
      </div>
    );
  }
  return (
    <div
      className={over ? 'upload-zone upload-over' : 'upload-zone'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <Icon name="upload" size={28} />
      <p>{busy || 'Drop files here, or'}</p>
      <input
        ref={input}
        id={inputId}
        className="visually-hidden"
        type="file"
        multiple
        disabled={Boolean(busy)}
        onChange={(e) => void upload([...(e.target.files ?? [])])}
      />
      <label htmlFor={inputId} className={busy ? 'btn btn-primary disabled' : 'btn btn-primary'}>
        Upload files
      </label>
      <p className="muted">Images, PDF, audio, video, text and JSON; up to 10 MB each.</p>
    </div>
  );
}
