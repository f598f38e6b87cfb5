/** A photo-like RGBA raster (gradients plus noise, so that its JPEG is not trivially small), for the memory benchmarks. */
export function photoLike(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  let seed = 1;
  for (let i = 0; i < width * height; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const x = i % width;
    const y = Math.floor(i / width);
    const noise = (seed % 24) - 12;
    data.set([(x * 255) / width + noise, (y * 255) / height + noise, ((x + y) * 128) / (width + height) + noise, 255], i * 4);
  }
  return data;
}
