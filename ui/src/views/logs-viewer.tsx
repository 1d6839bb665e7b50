// The camera page's logs viewer: the worker's recent lines from the controller's ring, filtered
// by level and text, following new lines as they come. Only the newest SHOWN_LINES that match
// are drawn, so a chatty worker never fills the page.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CameraLog, type LogState } from '../logs/camera-log';
import { clockTime, LOG_LEVELS, visibleEntries, type LogLevel } from '../logs/log-entry';

const SHOWN_LINES = 500;
/** Within this many pixels of the bottom, the view keeps to the newest line as lines come. */
const STICKY_PX = 24;

const STATE_TEXT: Record<LogState, string> = {
  loading: 'Loading…',
  following: 'Following',
  paused: 'Paused',
  retrying: 'Reconnecting…',
  failed: 'Failed',
};

/** Re-renders on the log's changes, at most once a frame. */
function useLogChanges(log: CameraLog): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let pending = false;
    return log.subscribe(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        setVersion((v) => v + 1);
      });
    });
  }, [log]);
  return version;
}

export function LogsViewer({ camera }: { camera: string }) {
  const log = useMemo(() => new CameraLog(camera), [camera]);
  const version = useLogChanges(log);
  const [follow, setFollow] = useState(true);
  const [levels, setLevels] = useState<ReadonlySet<LogLevel>>(() => new Set(['info', 'warn', 'error']));
  const [text, setText] = useState('');
  const lines = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  // Following reads the tail afresh and keeps reading; pausing keeps the lines on screen.
  useEffect(() => {
    if (follow) log.load(true);
    else log.stop();
  }, [log, follow]);
  useEffect(() => () => log.stop(), [log]);

  const { shown, matching } = visibleEntries(log.entries, { levels, text }, SHOWN_LINES);

  useLayoutEffect(() => {
    const box = lines.current;
    if (box && atBottom.current) box.scrollTop = box.scrollHeight;
  }, [version, levels, text]);

  const toggle = (level: LogLevel) => {
    const next = new Set(levels);
    if (!next.delete(level)) next.add(level);
    setLevels(next);
  };

  return (
    <div class="logs" data-state={log.state}>
      <div class="logs-tools">
        <div class="level-chips" role="group" aria-label="Levels shown">
          {LOG_LEVELS.map((level) => (
            <button key={level} type="button" class={`chip level-${level}`} aria-pressed={levels.has(level)} data-level={level} onClick={() => toggle(level)}>
              {level}
            </button>
          ))}
        </div>
        <input class="logs-search" type="search" placeholder="Filter by text" aria-label="Filter by text" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <label class="follow">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
          Follow
        </label>
        <span class={`logs-state state-${log.state}`}>{STATE_TEXT[log.state]}</span>
      </div>
      {log.problem && <p class="form-error">{log.problem}</p>}
      <div
        class="logs-lines mono"
        ref={lines}
        onScroll={(e) => {
          const box = e.currentTarget;
          atBottom.current = box.scrollHeight - box.scrollTop - box.clientHeight < STICKY_PX;
        }}
      >
        {shown.map((entry) => (
          <div key={entry.seq} class={`log-line level-${entry.level}`} data-level={entry.level}>
            <time dateTime={entry.time !== undefined ? new Date(entry.time).toISOString() : undefined} title={entry.time !== undefined ? new Date(entry.time).toString() : undefined}>
              {entry.time !== undefined ? clockTime(entry.time) : '—'}
            </time>
            <span class="log-level">{entry.level.toUpperCase()}</span>
            <span class="log-text">
              {entry.message}
              {entry.fields && <span class="log-fields"> {entry.fields}</span>}
            </span>
          </div>
        ))}
        {shown.length === 0 && log.state !== 'loading' && <div class="muted logs-empty">{log.entries.length === 0 ? 'No log lines yet.' : 'No line matches the filter.'}</div>}
      </div>
      <div class="logs-foot muted" data-shown={shown.length} data-matching={matching}>
        {matching > shown.length ? `The newest ${shown.length} of ${matching} matching lines` : `${matching} matching lines`} · {log.entries.length} kept
      </div>
    </div>
  );
}
