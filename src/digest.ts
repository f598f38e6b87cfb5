/** SHA-256 of bytes or UTF-8 text as lowercase hex (WebCrypto, native in workerd). */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
}
