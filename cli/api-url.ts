/** Whether an API base URL can be used at all: fetch would only say "Cannot reach the API". */
export function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}
