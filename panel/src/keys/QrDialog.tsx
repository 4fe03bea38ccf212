import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import { Modal } from '../ui/Modal.js';

/** A scannable QR code of a key value, drawn to a canvas by the bundled encoder (nothing leaves the page). */
export function QrDialog({ name, value, onClose }: { name: string; value: string; onClose(): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!canvas.current) return;
    QRCode.toCanvas(canvas.current, value, { width: 288, margin: 4, errorCorrectionLevel: 'M' }).catch(() => setFailed(true));
  }, [value]);
  return (
    <Modal title={`QR code: ${name}`} onClose={onClose}>
      <div className="qr">
        {failed ? (
          <p role="alert">The QR code could not be drawn.</p>
        ) : (
          <canvas ref={canvas} role="img" aria-label={`QR code of the key ${name}`} />
        )}
        <p className="muted">Scan it to use this key on another device. Anyone who scans it can use the key.</p>
      </div>
    </Modal>
  );
}
