/** The value types of configuration variables, with the messages a wrong value gets. */
import { z } from 'zod';

export const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be one of true/false, 1/0, yes/no, on/off',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

export const port = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

export const positiveInt = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be greater than 0');

export const databaseUrl = z
  .string()
  .refine((v) => v === 'memory://' || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
    message: 'must be postgres://user@host:port/db or memory://',
  });

export const originList = z.string().transform((v, ctx) => {
  const origins = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${origin}" is not an origin like https://example.com`,
      });
    }
  }
  return origins;
});
