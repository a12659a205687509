/**
 * The shape test for RFC 4121 per-message tokens, apart from per-message.ts so that content detection
 * (formats/detect.ts, which the browser bundle carries) does not pull in the crypto backend.
 */

/** Bytes that start an RFC 4121 MIC or Wrap token: TOK_ID 04 04 / 05 04, defined flag bits only, FF filler. */
export function looksLikeCfxToken(b: Uint8Array): 'mic' | 'wrap' | undefined {
  if (b.length < 16 || b[1] !== 0x04 || ((b[2] as number) & 0xf8) !== 0) return undefined;
  if (b[0] === 0x05 && b[3] === 0xff) return 'wrap';
  if (b[0] === 0x04 && b[3] === 0xff && b[4] === 0xff && b[5] === 0xff && b[6] === 0xff && b[7] === 0xff) return 'mic';
  return undefined;
}
