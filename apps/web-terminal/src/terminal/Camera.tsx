import { useEffect, useRef, useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { CodeReader, createCodeReader } from './barcode-reader';

const SCAN_EVERY_MS = 200;
/** The same code seen again within this time is the same scan (the camera keeps seeing it). */
const SAME_CODE_MS = 3000;

/** The camera (rear one preferred), read continuously; each new code goes to onCode. */
export function Camera({ onCode }: { onCode: (code: string) => void }) {
  const { t } = useTerminal();
  const video = useRef<HTMLVideoElement>(null);
  const [on, setOn] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    if (!on) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = { code: '', at: 0 };
    (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API');
        const [media, reader] = await Promise.all([
          navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
          createCodeReader(),
        ]);
        stream = media;
        if (stopped) return media.getTracks().forEach((tr) => tr.stop());
        const el = video.current!;
        el.srcObject = media;
        await el.play().catch(() => undefined);
        const tick = async (r: CodeReader) => {
          if (stopped) return;
          if (el.readyState >= 2) {
            try {
              const codes = await r.detect(el);
              const now = Date.now();
              for (const code of codes) {
                if (code === last.code && now - last.at < SAME_CODE_MS) continue;
                last = { code, at: now };
                onCodeRef.current(code);
                break;
              }
              if (codes.includes(last.code)) last.at = now;
            } catch {
              // a frame that could not be read: try the next one
            }
          }
          timer = setTimeout(() => void tick(r), SCAN_EVERY_MS);
        };
        void tick(reader);
      } catch {
        if (!stopped) {
          setProblem(t('cameraUnavailable'));
          setOn(false);
        }
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [on, t]);

  return (
    <div className="camera">
      {on && <video ref={video} muted playsInline aria-label={t('cameraView')} />}
      {on && <p className="hint">{t('cameraLooking')}</p>}
      {problem && !on && <p className="hint">{problem}</p>}
      <button type="button" onClick={() => { setProblem(null); setOn(!on); }}>{on ? t('cameraStop') : t('cameraStart')}</button>
    </div>
  );
}
