/**
 * Profile and lookup endpoints (`/me`, `/users`) and the user schemas shared
 * by the accounts and admin tables.
 */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import { userPresenceSchema } from './presence.ts';

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,20}$/, 'must be 3-20 letters, digits, _ or -');
export const emailSchema = z.email('must be an email address').max(254);
export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters');
export const roleSchema = z.enum(['player', 'moderator', 'admin']);
export const userStatusSchema = z.enum(['active', 'banned', 'deleted']);
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'must be 1-32 characters')
  .max(32, 'must be 1-32 characters');
export const bioSchema = z.string().max(280, 'must be at most 280 characters');
export const totpCodeSchema = z.string().trim().min(6).max(32);

/** What a signed-in user sees of themselves. */
export const selfUserSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  email: z.email().nullable(),
  role: roleSchema,
  status: userStatusSchema,
  displayName: z.string(),
  bio: z.string(),
  avatarUrl: z.string(),
  twoFactorEnabled: z.boolean(),
  createdAt: timestampSchema,
});

/** What anyone sees of a user. */
export const publicUserSchema = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  bio: z.string(),
  avatarUrl: z.string(),
  role: roleSchema,
  createdAt: timestampSchema,
});

/** Query of every cursor-paginated list. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
};
export const listMetaSchema = z.strictObject({ nextCursor: z.string().nullable() });

export const usernameParams = z.strictObject({ username: z.string().min(1).max(64) });

export const tokenSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: timestampSchema,
  expiresAt: timestampSchema.nullable(),
  lastUsedAt: timestampSchema.nullable(),
});

const me = defineEndpoints({
  'me.get': {
    id: 'me.get',
    method: 'GET',
    path: '/api/v1/me',
    auth: 'user',
    summary: 'The signed-in user',
    tags: ['profile'],
    errors: [],
    response: selfUserSchema,
  },
  'me.update': {
    id: 'me.update',
    method: 'PATCH',
    path: '/api/v1/me',
    auth: 'user',
    summary: 'Change display name or bio',
    tags: ['profile'],
    errors: [],
    body: z.strictObject({ displayName: displayNameSchema.optional(), bio: bioSchema.optional() }),
    response: selfUserSchema,
  },
  'me.changePassword': {
    id: 'me.changePassword',
    method: 'POST',
    path: '/api/v1/me/password',
    auth: 'user',
    summary:
      'Change the password; revokes the other sessions, open reset links and (unless keepTokens) every personal access token',
    tags: ['profile'],
    errors: ['RATE_LIMITED'],
    body: z.strictObject({
      currentPassword: z.string().min(1).max(128),
      newPassword: passwordSchema,
      /** Keep the personal access tokens (they are revoked by default). */
      keepTokens: z.boolean().optional(),
    }),
    response: z.strictObject({
      revokedSessions: z.number().int(),
      revokedTokens: z.number().int(),
    }),
  },
  'me.avatarPut': {
    id: 'me.avatarPut',
    method: 'PUT',
    path: '/api/v1/me/avatar',
    auth: 'user',
    summary: 'Upload an avatar (PNG, JPEG or WebP, ≤ 2 MiB, ≤ 4096×4096) as the raw body',
    tags: ['profile'],
    errors: [],
    binaryBody: {
      contentTypes: ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'],
      maxBytes: 2 * 1024 * 1024,
    },
    response: z.strictObject({
      avatarUrl: z.string(),
      contentType: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      bytes: z.number().int(),
    }),
  },
  'me.avatarDelete': {
    id: 'me.avatarDelete',
    method: 'DELETE',
    path: '/api/v1/me/avatar',
    auth: 'user',
    summary: 'Remove the avatar (the generated default is served again)',
    tags: ['profile'],
    errors: [],
    response: z.strictObject({ avatarUrl: z.string() }),
  },
  'me.twoFactorSetup': {
    id: 'me.twoFactorSetup',
    method: 'POST',
    path: '/api/v1/me/2fa/setup',
    auth: 'user',
    summary: 'Start 2FA: a new TOTP secret and its otpauth:// URI',
    tags: ['profile'],
    errors: ['CONFLICT'],
    response: z.strictObject({ secret: z.string(), otpauthUri: z.url() }),
  },
  'me.twoFactorEnable': {
    id: 'me.twoFactorEnable',
    method: 'POST',
    path: '/api/v1/me/2fa/enable',
    auth: 'user',
    summary: 'Confirm 2FA with a code; returns 10 one-time recovery codes (shown once)',
    tags: ['profile'],
    errors: ['CONFLICT'],
    body: z.strictObject({ code: totpCodeSchema }),
    response: z.strictObject({ recoveryCodes: z.array(z.string()) }),
  },
  'me.twoFactorDisable': {
    id: 'me.twoFactorDisable',
    method: 'POST',
    path: '/api/v1/me/2fa/disable',
    auth: 'user',
    summary: 'Turn 2FA off (password and a current code)',
    tags: ['profile'],
    errors: ['CONFLICT', 'RATE_LIMITED'],
    body: z.strictObject({ password: z.string().min(1).max(128), code: totpCodeSchema }),
    response: z.strictObject({ twoFactorEnabled: z.literal(false) }),
  },
  'me.tokensCreate': {
    id: 'me.tokensCreate',
    method: 'POST',
    path: '/api/v1/me/tokens',
    auth: 'user',
    summary: 'Create a personal access token (shown once)',
    tags: ['tokens'],
    errors: ['CONFLICT'],
    status: 201,
    body: z.strictObject({
      name: z.string().trim().min(1).max(64),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    }),
    response: tokenSchema.extend({ token: z.string() }),
  },
  'me.tokensList': {
    id: 'me.tokensList',
    method: 'GET',
    path: '/api/v1/me/tokens',
    auth: 'user',
    summary: 'List personal access tokens',
    tags: ['tokens'],
    errors: [],
    query: z.strictObject(pageQuery),
    response: z.array(tokenSchema),
    meta: listMetaSchema,
  },
  'me.tokensRevoke': {
    id: 'me.tokensRevoke',
    method: 'DELETE',
    path: '/api/v1/me/tokens/{id}',
    auth: 'user',
    summary: 'Revoke a personal access token',
    tags: ['tokens'],
    errors: ['NOT_FOUND'],
    params: z.strictObject({ id: z.uuid() }),
    response: z.strictObject({ revoked: z.literal(true) }),
  },
});

const users = defineEndpoints({
  'users.list': {
    id: 'users.list',
    method: 'GET',
    path: '/api/v1/users',
    auth: 'user',
    summary: 'Search users by username or display name prefix',
    tags: ['users'],
    errors: [],
    query: z.strictObject({ q: z.string().trim().max(32).optional(), ...pageQuery }),
    response: z.array(publicUserSchema),
    meta: listMetaSchema,
  },
  'users.get': {
    id: 'users.get',
    method: 'GET',
    path: '/api/v1/users/{username}',
    auth: 'user',
    summary: 'Public profile of one user; presence only for yourself and your friends',
    tags: ['users'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: publicUserSchema.extend({ presence: userPresenceSchema.optional() }),
  },
  'users.avatar': {
    id: 'users.avatar',
    method: 'GET',
    path: '/api/v1/users/{username}/avatar',
    auth: 'public',
    summary: 'Avatar image (a generated SVG identicon when none was uploaded), with ETag',
    tags: ['users'],
    errors: ['NOT_FOUND', 'UNAVAILABLE'],
    params: usernameParams,
    query: z.strictObject({ v: z.string().max(64).optional() }),
    response: z.string(),
    raw: { contentType: 'image/*' },
    otherStatuses: { 304: 'Not modified: If-None-Match matched the ETag' },
  },
});

export const userEndpoints = { ...me, ...users };
