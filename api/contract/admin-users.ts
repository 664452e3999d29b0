/** Admin user management (`/admin/users`): admins do everything, moderators list, show, ban and unban. */
import { z } from 'zod';
import { timestampSchema } from './shapes.ts';
import { defineEndpoints } from './endpoint.ts';
import {
  displayNameSchema,
  emailSchema,
  listMetaSchema,
  pageQuery,
  passwordSchema,
  roleSchema,
  selfUserSchema,
  usernameParams,
  usernameSchema,
  userStatusSchema,
} from './users.ts';

/** What staff see of a user. */
export const adminUserSchema = selfUserSchema.extend({
  banReason: z.string().nullable(),
  bannedUntil: z.string().nullable(),
  lastLoginAt: timestampSchema.nullable(),
  updatedAt: timestampSchema,
});

const resetLinkSchema = z.strictObject({ resetLink: z.string(), expiresAt: timestampSchema });

export const adminUserEndpoints = defineEndpoints({
  'admin.usersList': {
    id: 'admin.usersList',
    method: 'GET',
    path: '/api/v1/admin/users',
    auth: 'moderator',
    summary: 'List users with filters',
    tags: ['admin'],
    errors: [],
    query: z.strictObject({
      q: z.string().trim().max(64).optional(),
      role: roleSchema.optional(),
      status: userStatusSchema.optional(),
      ...pageQuery,
    }),
    response: z.array(adminUserSchema),
    meta: listMetaSchema,
  },
  'admin.usersCreate': {
    id: 'admin.usersCreate',
    method: 'POST',
    path: '/api/v1/admin/users',
    auth: 'admin',
    summary: 'Create a user; without a password a reset link is issued',
    tags: ['admin'],
    errors: ['CONFLICT'],
    status: 201,
    body: z.strictObject({
      username: usernameSchema,
      email: emailSchema,
      password: passwordSchema.optional(),
      role: roleSchema.default('player'),
    }),
    response: z.strictObject({ user: adminUserSchema, resetLink: z.string().nullable() }),
  },
  'admin.usersGet': {
    id: 'admin.usersGet',
    method: 'GET',
    path: '/api/v1/admin/users/{username}',
    auth: 'moderator',
    summary: 'One user, as staff see it',
    tags: ['admin'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: adminUserSchema,
  },
  'admin.usersUpdate': {
    id: 'admin.usersUpdate',
    method: 'PATCH',
    path: '/api/v1/admin/users/{username}',
    auth: 'admin',
    summary: 'Change role, display name or email',
    tags: ['admin'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    params: usernameParams,
    body: z.strictObject({
      role: roleSchema.optional(),
      displayName: displayNameSchema.optional(),
      email: emailSchema.optional(),
    }),
    response: adminUserSchema,
  },
  'admin.usersDelete': {
    id: 'admin.usersDelete',
    method: 'DELETE',
    path: '/api/v1/admin/users/{username}',
    auth: 'admin',
    summary: 'Anonymise the account: personal fields erased, games kept under a tombstone name',
    tags: ['admin'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    params: usernameParams,
    response: adminUserSchema,
  },
  'admin.usersBan': {
    id: 'admin.usersBan',
    method: 'POST',
    path: '/api/v1/admin/users/{username}/ban',
    auth: 'moderator',
    summary: 'Ban until a time (or for good); revokes sessions',
    tags: ['admin'],
    errors: ['NOT_FOUND', 'CONFLICT'],
    params: usernameParams,
    body: z.strictObject({
      reason: z.string().trim().min(1).max(500),
      until: z.iso.datetime({ offset: true }).optional(),
    }),
    response: adminUserSchema,
  },
  'admin.usersUnban': {
    id: 'admin.usersUnban',
    method: 'POST',
    path: '/api/v1/admin/users/{username}/unban',
    auth: 'moderator',
    summary: 'Lift a ban',
    tags: ['admin'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: adminUserSchema,
  },
  'admin.usersPasswordReset': {
    id: 'admin.usersPasswordReset',
    method: 'POST',
    path: '/api/v1/admin/users/{username}/password-reset',
    auth: 'admin',
    summary: 'Issue a reset link for the admin to pass on',
    tags: ['admin'],
    errors: ['NOT_FOUND'],
    params: usernameParams,
    response: resetLinkSchema,
  },
});
