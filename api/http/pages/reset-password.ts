/**
 * The password-reset page: static HTML with one inline script and one inline
 * style, both allowed by their hashes in the page's Content-Security-Policy,
 * so nothing else can run or load. The script reads the token from the link,
 * drops it from the address bar, and posts it with the new password as JSON
 * to the confirm endpoint (relative, so a PUBLIC_URL with a path works).
 */
import { createHash } from 'node:crypto';

const style = `body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;font:inherit;box-sizing:border-box}
button{margin-top:1.2rem;padding:.5rem 1.2rem;font:inherit}#status{margin-top:1rem;font-weight:600}`;

const script = `(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  history.replaceState(null, '', location.pathname);
  const form = document.getElementById('reset');
  const status = document.getElementById('status');
  const say = (text) => { status.textContent = text; };
  if (!token) { form.hidden = true; say('This link has no reset token. Ask for a new link.'); return; }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = form.elements.password.value;
    if (password !== form.elements.confirm.value) return say('The two passwords differ.');
    form.elements.submit.disabled = true;
    say('Saving…');
    try {
      const res = await fetch(new URL(form.getAttribute('action'), location.href), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password }),
      });
      const body = await res.json().catch(() => null);
      if (res.ok) { form.hidden = true; return say('Your password has been changed. Sign in with the new one.'); }
      say((body && body.error && body.error.message) || 'The reset failed (' + res.status + ').');
    } catch {
      say('The server could not be reached. Try again.');
    }
    form.elements.submit.disabled = false;
  });
})();`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page and the headers it needs (computed once by the caller). */
export function resetPasswordPage(): { html: string; headers: Record<string, string> } {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Choose a new password · pongctl</title>
<style>${style}</style>
</head>
<body>
<h1>Choose a new password</h1>
<form id="reset" action="api/v1/auth/password-reset/confirm" method="post">
<label>New password <input name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required></label>
<label>Repeat it <input name="confirm" type="password" autocomplete="new-password" minlength="8" maxlength="128" required></label>
<button name="submit" type="submit">Set password</button>
</form>
<p id="status" role="status"></p>
<noscript><p>This page needs JavaScript to send the form. Or run: pongctl password reset confirm --token &lt;token from the link&gt;</p></noscript>
<script>${script}</script>
</body>
</html>
`;
  return {
    html,
    headers: {
      'Content-Security-Policy': [
        "default-src 'none'",
        `script-src ${sha256(script)}`,
        `style-src ${sha256(style)}`,
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    },
  };
}
