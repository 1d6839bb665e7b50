// The PromQL of dashboards/: every expression of the Grafana dashboard and of the alerting rules,
// for the tests that check them with promtool and against a real Prometheus.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { projectPath } from '../lib/project-root.js';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const file = parse(readFileSync(projectPath('dashboards', 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

export interface GrafanaTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
  gridPos: { h: number; w: number; x: number; y: number };
}

export interface GrafanaVariable {
  name: string;
  type: string;
  query: string | { query: string };
  datasource?: { type?: string; uid?: string };
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating: { list: GrafanaVariable[] };
}

export function grafanaDashboard(): GrafanaDashboard {
  return JSON.parse(readFileSync(projectPath('dashboards', 'grafana', 'camlet.json'), 'utf8')) as GrafanaDashboard;
}

/** Every panel, rows' nested panels included, in order. */
export function dashboardPanels(dashboard: GrafanaDashboard = grafanaDashboard()): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export interface DashboardQuery {
  panel: string;
  refId: string;
  expr: string;
}

/**
 * Every panel query, with the dashboard's variables and Grafana's built-in ones replaced as
 * Grafana would before sending them: `$camera` and `$instance` by the values given (regular
 * expressions, as a multi-value variable is), `$__rate_interval` and friends by `interval`.
 */
export function dashboardQueries(values: Record<string, string>, interval = '1m', dashboard: GrafanaDashboard = grafanaDashboard()): DashboardQuery[] {
  return dashboardPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, refId: target.refId, expr: substitute(target.expr, values, interval) })),
  );
}

export function substitute(expr: string, values: Record<string, string>, interval = '1m'): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, interval)
    .replace(/\$\{?(\w+)\}?/g, (whole: string, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`dashboard query uses $${name}, which no value was given for: ${expr}`);
      return value;
    });
}

/** The dashboard's query variables: `label_values(selector, label)`. */
export function labelValuesVariables(dashboard: GrafanaDashboard = grafanaDashboard()): { name: string; selector: string; label: string }[] {
  return dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query.trim());
      if (!match?.[1] || !match[2]) throw new Error(`variable ${variable.name}: not a label_values(selector, label) query: ${query}`);
      return { name: variable.name, selector: match[1], label: match[2] };
    });
}
