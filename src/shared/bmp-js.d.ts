declare module 'bmp-js' {
  /** Pixels come back as A,B,G,R bytes. */
  export function decode(buffer: Buffer): { width: number; height: number; data: Uint8Array };
  const bmp: { decode: typeof decode };
  export default bmp;
}
