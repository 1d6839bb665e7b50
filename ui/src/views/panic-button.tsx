// The top bar's panic button: after a confirmation, every running camera records (trigger
// manual) for PANIC_SECONDS; the same panel stops them all. The answer says which cameras record.
import { useEffect, useState } from 'preact/hooks';
import { requestRecording, type RecordRequest } from '../api/record';

/** As long as a manual recording asked for without a length (the API's default). */
const PANIC_SECONDS = 300;
/** How long the outcome stays in the top bar. */
const NOTE_SHOWN_MS = 10_000;

export function PanicButton({ running }: { running: number }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ text: string; failed: boolean }>();
  useEffect(() => {
    if (!note) return undefined;
    const timer = setTimeout(() => setNote(undefined), NOTE_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [note]);

  const send = async (request: RecordRequest) => {
    setBusy(true);
    try {
      const { accepted = [], rejected = [] } = await requestRecording(undefined, request);
      const verb = 'stop' in request ? 'Stopped' : 'Recording';
      const missed = rejected.length > 0 ? `; not running: ${rejected.map((r) => r.camera).join(', ')}` : '';
      setNote({ text: `${verb} ${accepted.length} camera${accepted.length === 1 ? '' : 's'}${missed}`, failed: false });
      setOpen(false);
    } catch (failure) {
      setNote({ text: (failure as Error).message, failed: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panic">
      <button type="button" class="panic-button" aria-haspopup="dialog" aria-expanded={open} title="Record every running camera" onClick={() => setOpen(!open)}>
        PANIC
      </button>
      {open && (
        <div class="panic-confirm" role="dialog" aria-label="Record every camera">
          <p>
            Record all {running} running camera{running === 1 ? '' : 's'} for {PANIC_SECONDS / 60} minutes?
          </p>
          <div class="panic-actions">
            <button type="button" class="panic-go" disabled={busy} onClick={() => void send({ seconds: PANIC_SECONDS })}>
              Record all
            </button>
            <button type="button" class="panic-stop" disabled={busy} onClick={() => void send({ stop: true })}>
              Stop all
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {note && (
        <span class={`panic-note${note.failed ? ' failed' : ''}`} role="status">
          {note.text}
        </span>
      )}
    </div>
  );
}
