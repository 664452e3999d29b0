/**
 * The retention spec (ops/elasticsearch/retention.yaml) as a zod schema: per
 * log stream the rollover, the warm phase and the delete age, plus the archive
 * (snapshot repository and SLM policy). Unknown fields are rejected so a typo
 * never silently disables a phase.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../api/contract/errors.ts';
import { logDatasets } from '../../api/contract/logs.ts';
import { durationMs as readDuration } from '../lib/duration.ts';

export const duration = z
  .string()
  .regex(/^\d+(d|h|m|s|ms)$/, 'must be a duration like 30d, 12h, 90m');
export const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb|gb|tb)$/, 'must be a size like 10gb or 512mb');

const warmSchema = z.strictObject({
  after: duration,
  forcemerge: z.strictObject({ maxSegments: z.number().int().min(1) }).optional(),
  shrink: z.strictObject({ numberOfShards: z.number().int().min(1) }).optional(),
  allocate: z
    .strictObject({
      numberOfReplicas: z.number().int().min(0).optional(),
      require: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  migrate: z.boolean().optional(),
  readonly: z.boolean().optional(),
});

const coldSchema = z.strictObject({
  after: duration,
  /** Removed in Elasticsearch 8.0: kept expressible so apply can refuse it with a clear message. */
  freeze: z.boolean().optional(),
  readonly: z.boolean().optional(),
  migrate: z.boolean().optional(),
});

const streamSchema = z.strictObject({
  description: z.string().optional(),
  rollover: z.strictObject({ maxAge: duration, maxPrimaryShardSize: byteSize.optional() }),
  warm: warmSchema.optional(),
  cold: coldSchema.optional(),
  delete: z.strictObject({ after: duration, waitForSnapshot: z.boolean().optional() }),
});

const archiveSchema = z.strictObject({
  repository: z.strictObject({
    name: z.string().regex(/^[a-z0-9_.-]+$/),
    type: z.enum(['fs', 's3', 'gcs', 'azure', 'url', 'source']),
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  policy: z.strictObject({
    id: z.string().regex(/^[a-z0-9_.-]+$/),
    schedule: z.string().min(9, 'must be an Elasticsearch cron expression or an interval like 1d'),
    snapshotName: z.string().min(1),
    indices: z.array(z.string().min(1)).min(1),
    retention: z.strictObject({
      expireAfter: duration,
      minCount: z.number().int().min(1),
      maxCount: z.number().int().min(1),
    }),
  }),
});

export const retentionSpecSchema = z
  .strictObject({
    version: z.literal(1),
    mode: z.enum(['ilm', 'lifecycle']),
    replicas: z.number().int().min(0).default(1),
    streams: z.record(z.enum(logDatasets), streamSchema),
    archive: archiveSchema,
  })
  .superRefine((spec, ctx) => {
    for (const dataset of logDatasets) {
      if (!spec.streams[dataset])
        ctx.addIssue({
          code: 'custom',
          path: ['streams', dataset],
          message: `no retention for ${dataset}`,
        });
    }
    const { minCount, maxCount } = spec.archive.policy.retention;
    if (minCount > maxCount)
      ctx.addIssue({
        code: 'custom',
        path: ['archive', 'policy', 'retention'],
        message: 'minCount must not exceed maxCount',
      });
  });

export type RetentionSpec = z.infer<typeof retentionSpecSchema>;
export type StreamRetention = z.infer<typeof streamSchema>;

export const defaultSpecPath = new URL('./retention.yaml', import.meta.url).pathname;

/** Parses and validates a spec; every problem is reported at once as `path: message`. */
export function parseRetentionSpec(text: string, file = 'retention.yaml'): RetentionSpec {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new AppError('VALIDATION', `${file} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = retentionSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({
      path: i.path.join('.') || '(root)',
      message: i.message,
    }));
    throw new AppError('VALIDATION', `${file} is not a valid retention spec`, problems);
  }
  return parsed.data;
}

export function loadRetentionSpec(file = defaultSpecPath): RetentionSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AppError('NOT_FOUND', `cannot read the retention spec ${file}`);
  }
  return parseRetentionSpec(text, file);
}

/** Milliseconds of an Elasticsearch time value (`30d`, `0ms`); undefined when it is not one. */
export function durationMs(value: string | undefined): number | undefined {
  return readDuration(value, ['ms', 's', 'm', 'h', 'd']);
}
