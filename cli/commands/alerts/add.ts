/** `alerts add`: an inquirer wizard on a terminal; without one every field is a flag. */
import { AppError } from '../../../api/contract/errors.ts';
import { addAlert, newAlertSchema, type NewAlert } from '../../../ops/prometheus/add.ts';
import type { CliContext } from '../../context.ts';
import { monitoringPaths } from './targets.ts';

type Flags = Partial<Record<keyof NewAlert, string>> & { rules?: string; tests?: string };

const fields: { key: keyof NewAlert; message: string; choices?: string[]; fallback?: string }[] = [
  { key: 'name', message: 'Alert name (UpperCamelCase)' },
  { key: 'expr', message: 'PromQL expression' },
  { key: 'for', message: 'Hold time (for)', fallback: '5m' },
  { key: 'severity', message: 'Severity', choices: ['critical', 'warning', 'info'] },
  { key: 'component', message: 'Component label', fallback: 'api' },
  { key: 'summary', message: 'Summary (one line, may use {{ $labels.x }})' },
  { key: 'description', message: 'Description' },
  { key: 'file', message: 'Rule file', fallback: 'api.yml' },
  { key: 'group', message: 'Rule group', fallback: 'api' },
];

async function ask(values: Flags): Promise<Flags> {
  const { input, select } = await import('@inquirer/prompts');
  const out: Flags = { ...values };
  for (const field of fields) {
    if (out[field.key]) continue;
    out[field.key] = field.choices
      ? await select({ message: field.message, choices: field.choices.map((value) => ({ value })) })
      : await input({ message: field.message, default: field.fallback, required: true });
  }
  return out;
}

export async function add(ctx: CliContext, opts: Flags): Promise<void> {
  const missing = fields.filter((f) => !opts[f.key]).map((f) => `--${f.key}`);
  let values: Flags = opts;
  if (missing.length > 0) {
    ctx.io.requireInteractive(missing.join(', '), 'pass them as flags');
    values = await ask(opts);
  }
  const parsed = newAlertSchema.safeParse(
    Object.fromEntries(fields.map((f) => [f.key, values[f.key]])),
  );
  if (!parsed.success) {
    throw new AppError(
      'VALIDATION',
      'invalid alert',
      parsed.error.issues.map((i) => ({ path: `--${String(i.path[0])}`, message: i.message })),
    );
  }
  const touched = addAlert(monitoringPaths(opts), parsed.data);
  for (const file of touched) ctx.io.out(file);
  ctx.io.success(
    `added ${parsed.data.name}; now write a runbook section and a test case where it fires (alerts lint checks both)`,
  );
}
