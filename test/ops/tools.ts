/**
 * Tests that need promtool, amtool, prometheus or alertmanager: in CI (CI=true)
 * a missing tool fails the suite with the install hint; elsewhere the suite is
 * skipped with the same message printed, never silently.
 */
import { findTool, type Tool } from '../../ops/prometheus/promtool.ts';

export function requireTools(ctx: Mocha.Context, tools: Tool[]): Record<Tool, string> {
  const found = {} as Record<Tool, string>;
  const missing: Tool[] = [];
  for (const tool of tools) {
    const at = findTool(tool, process.env.PATH);
    if (at) found[tool] = at;
    else missing.push(tool);
  }
  if (missing.length > 0) {
    const message = `${missing.join(', ')} not installed: apt-get install prometheus prometheus-alertmanager (.ci/run does)`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(`    skipped: ${message}`);
    ctx.skip();
  }
  return found;
}
