/**
 * Text whose characters are its bytes: printable ASCII and JSON's whitespace.
 * Such text is written to a socket as a latin1 string, with no encoding and no
 * buffer of its own (api/realtime/frame.ts); a match whose fixed parts pass
 * says so once, and its state frames are never scanned (api/game/view.ts).
 */
const NON_ASCII = /[^\t\n\r\x20-\x7e]/;

export function isAsciiText(text: string): boolean {
  return !NON_ASCII.test(text);
}
