// The camera page's manual recording: a length to choose and Record; while a manual recording
// goes on (the camera's status says so, or the answer to our own request), its time left and Stop.
import { useEffect, useState } from 'preact/hooks';
import { requestRecording, UNTIL_STOPPED_SECONDS, type RecordRequest } from '../api/record';
import type { Camera } from '../api/types';

const LENGTHS: { seconds: number; label: string }[] = [
  { seconds: 30, label: '30 s' },
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: UNTIL_STOPPED_SECONDS, label: 'Until stopped (1 h at most)' },
];

function timeLeft(until: number, seconds: number | undefined, now: number): string {
  if (seconds === UNTIL_STOPPED_SECONDS) return 'until stopped';
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
}

export function RecordButton({ camera }: { camera: Camera }) {
  const name = camera.metadata.name;
  const [seconds, setSeconds] = useState(60);
  /** The end and length our last request asked for: known before the status shows the recording. */
  const [asked, setAsked] = useState<{ until: number; seconds?: number }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [, setTick] = useState(0);
  const now = Date.now();
  const ours = asked !== undefined && asked.until > now;
  const manual = ours || camera.status.recording?.trigger === 'manual';
  // The time left counts down by itself.
  useEffect(() => {
    if (!ours) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [ours]);

  const phase = camera.status.phase ?? 'Unknown';
  const runs = phase === 'Running' || phase === 'Unhealthy';
  const send = async (request: RecordRequest) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await requestRecording(name, request);
      setAsked(answer.until ? { until: Date.parse(answer.until), seconds: answer.seconds } : undefined);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="record-control" data-record-state={manual ? 'recording' : 'idle'}>
      {manual ? (
        <>
          <span class="record-state">
            <span class="rec-dot" />
            Manual recording{ours ? ` · ${timeLeft(asked.until, asked.seconds, now)}` : ''}
          </span>
          <button type="button" class="record-stop" disabled={busy} onClick={() => void send({ stop: true })}>
            Stop
          </button>
        </>
      ) : (
        <>
          <select class="record-length" aria-label="Recording length" value={seconds} disabled={busy} onChange={(e) => setSeconds(Number(e.currentTarget.value))}>
            {LENGTHS.map((length) => (
              <option key={length.seconds} value={length.seconds}>
                {length.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="record-start"
            disabled={busy || !runs}
            title={runs ? `Record ${name} now (trigger manual, with the pre-roll)` : `${name} is ${phase}: no worker runs to record`}
            onClick={() => void send({ seconds })}
          >
            <span class="rec-dot" /> Record
          </button>
        </>
      )}
      {error && (
        <span class="record-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
