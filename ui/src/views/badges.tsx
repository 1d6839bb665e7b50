import { phaseTone } from '../format';

export function PhaseBadge({ phase }: { phase: string | undefined }) {
  return (
    <span class={`badge tone-${phaseTone(phase)}`} data-phase={phase ?? 'Unknown'}>
      {phase ?? 'Unknown'}
    </span>
  );
}

export function RecordingDot({ recording }: { recording: boolean }) {
  return recording ? (
    <span class="rec" title="Recording" data-recording="true">
      <span class="rec-dot" />
      REC
    </span>
  ) : null;
}

export function MotionBadge({ motion }: { motion: boolean }) {
  return motion ? (
    <span class="motion" data-motion="true">
      MOTION
    </span>
  ) : null;
}
