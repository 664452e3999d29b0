/** Handlers of the HTML pages the API serves (pages.ts in the contract). */
import type { pageEndpoints } from '../../contract/pages.ts';
import { resetPasswordPage } from '../pages/reset-password.ts';
import type { HandlersFor } from '../routes.ts';

export function pageHandlers(): HandlersFor<typeof pageEndpoints> {
  const reset = resetPasswordPage();
  return {
    // The token stays in the browser: the page's script reads it from the address.
    'pages.resetPassword': async () => ({ raw: reset.html, headers: reset.headers }),
  };
}
