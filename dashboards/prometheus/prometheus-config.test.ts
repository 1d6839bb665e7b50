import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-root.js';

describe('dashboards/prometheus/prometheus.yml', () => {
  it('passes promtool check config', () => {
    const check = spawnSync('promtool', ['check', 'config', projectPath('dashboards', 'prometheus', 'prometheus.yml')], { encoding: 'utf8' });
    expect(check.stderr + check.stdout).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
