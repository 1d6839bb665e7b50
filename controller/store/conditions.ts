/** A Kubernetes-style condition, as in status.conditions. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * Sets one condition in a list, as apimachinery's SetStatusCondition does: lastTransitionTime
 * moves only when the status changes, so it says since when the condition has held.
 * Returns a new list; the order of existing conditions is kept.
 */
export function setCondition(conditions: readonly Condition[], update: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  const existing = conditions.find((c) => c.type === update.type);
  const lastTransitionTime = existing && existing.status === update.status ? existing.lastTransitionTime : now.toISOString();
  // Written out, not spread: see lib/fixed-shape.ts.
  const next: Condition = { type: update.type, status: update.status, reason: update.reason, message: update.message, lastTransitionTime };
  return existing ? conditions.map((c) => (c.type === update.type ? next : c)) : [...conditions, next];
}
