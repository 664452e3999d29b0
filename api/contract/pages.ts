/**
 * The few HTML pages the API serves itself, so a link in a mail works
 * without a web front end: the password-reset page at the path of the reset
 * links (PUBLIC_URL/reset-password?token=…).
 */
import { z } from 'zod';
import { defineEndpoints } from './endpoint.ts';

export const pageEndpoints = defineEndpoints({
  'pages.resetPassword': {
    id: 'pages.resetPassword',
    method: 'GET',
    path: '/reset-password',
    auth: 'public',
    tags: ['auth'],
    errors: [],
    summary:
      'The password-reset page of the reset links: a form that posts the token and a new password to POST /api/v1/auth/password-reset/confirm (no external resources, a strict CSP)',
    query: z.strictObject({ token: z.string().max(256).optional() }),
    response: z.string(),
    raw: { contentType: 'text/html; charset=utf-8' },
    examples: {
      response: '<!doctype html><html lang="en"><title>Choose a new password</title>…</html>',
    },
  },
});
