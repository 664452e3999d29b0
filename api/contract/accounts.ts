/** Account and session endpoints (`/auth/*`): register, login (with 2FA), refresh, logout, password reset. */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';
import {
  emailSchema,
  passwordSchema,
  selfUserSchema,
  totpCodeSchema,
  usernameSchema,
} from './users.ts';

/** A new session: the access token (JWT) and the opaque refresh token that rotates. */
export const sessionTokensSchema = z.strictObject({
  user: selfUserSchema,
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
});

export const mfaChallengeSchema = z.strictObject({
  mfaRequired: z.literal(true),
  challengeToken: z.string(),
});

export const accountEndpoints = defineEndpoints({
  'auth.register': {
    id: 'auth.register',
    method: 'POST',
    path: '/api/v1/auth/register',
    auth: 'public',
    summary: 'Create an account and a session',
    tags: ['auth'],
    errors: ['CONFLICT', 'RATE_LIMITED', 'UNAVAILABLE'],
    status: 201,
    body: z.strictObject({
      username: usernameSchema,
      email: emailSchema,
      password: passwordSchema,
    }),
    response: sessionTokensSchema,
  },
  'auth.login': {
    id: 'auth.login',
    method: 'POST',
    path: '/api/v1/auth/login',
    auth: 'public',
    summary: 'Sign in with username or email; answers an MFA challenge when 2FA is on',
    tags: ['auth'],
    errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'UNAVAILABLE'],
    body: z.strictObject({
      login: z.string().trim().min(1).max(254),
      password: z.string().min(1).max(128),
    }),
    response: z.union([sessionTokensSchema, mfaChallengeSchema]),
  },
  'auth.loginMfa': {
    id: 'auth.loginMfa',
    method: 'POST',
    path: '/api/v1/auth/login/mfa',
    auth: 'public',
    summary: 'Complete a 2FA sign-in with a TOTP or recovery code',
    tags: ['auth'],
    errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'UNAVAILABLE'],
    body: z.strictObject({ challengeToken: z.string().min(1).max(2048), code: totpCodeSchema }),
    response: sessionTokensSchema,
  },
  'auth.refresh': {
    id: 'auth.refresh',
    method: 'POST',
    path: '/api/v1/auth/refresh',
    auth: 'public',
    summary: 'Rotate the refresh token; a reused one revokes its session',
    tags: ['auth'],
    errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'UNAVAILABLE'],
    body: z.strictObject({ refreshToken: z.string().min(1).max(256) }),
    response: sessionTokensSchema,
  },
  'auth.logout': {
    id: 'auth.logout',
    method: 'POST',
    path: '/api/v1/auth/logout',
    auth: 'user',
    summary: 'Revoke the current session at once',
    tags: ['auth'],
    errors: ['RATE_LIMITED'],
    response: z.strictObject({ revokedSessions: z.number().int() }),
  },
  'auth.logoutAll': {
    id: 'auth.logoutAll',
    method: 'POST',
    path: '/api/v1/auth/logout-all',
    auth: 'user',
    summary: 'Revoke every session of the user',
    tags: ['auth'],
    errors: ['RATE_LIMITED'],
    response: z.strictObject({ revokedSessions: z.number().int() }),
  },
  'auth.passwordResetRequest': {
    id: 'auth.passwordResetRequest',
    method: 'POST',
    path: '/api/v1/auth/password-reset/request',
    auth: 'public',
    summary: 'Mail a reset link; 202 whether or not the address exists',
    tags: ['auth'],
    errors: ['RATE_LIMITED', 'UNAVAILABLE'],
    status: 202,
    body: z.strictObject({ email: emailSchema }),
    response: z.strictObject({ accepted: z.literal(true) }),
  },
  'auth.passwordResetConfirm': {
    id: 'auth.passwordResetConfirm',
    method: 'POST',
    path: '/api/v1/auth/password-reset/confirm',
    auth: 'public',
    summary: 'Set a new password with a reset token; revokes every session',
    tags: ['auth'],
    errors: ['RATE_LIMITED', 'UNAVAILABLE'],
    body: z.strictObject({ token: z.string().min(1).max(256), password: passwordSchema }),
    response: z.strictObject({ passwordChanged: z.literal(true) }),
  },
});
