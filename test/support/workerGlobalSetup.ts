import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { modelObjects, writeGeneratedFiles } from '../../models/publish/modelFiles';
import { readManifest } from '../../models/export/artifacts';
import { ARTIFACTS_DIR, PROJECT_ROOT, sharedPaths } from '../../models/paths';
import { scaledWeights } from './modelVariants';
import { gradient, jpegClaiming, pngClaiming, pngInflatingTo, toJpeg, toPng, toWebp } from './imageFixtures';
import { referenceCases } from './referenceCases';

const WEBP_FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'webp');

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A local image host for the posterUrl tests. */
function startPosterServer(poster: Uint8Array): Promise<Server> {
  const server = createServer((req, res) => {
    switch (req.url) {
      case '/poster.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(poster);
        return;
      case '/redirect-ok':
        res.writeHead(302, { location: '/poster.jpg' }).end();
        return;
      case '/redirect-internal':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
        return;
      case '/huge':
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        // No content-length: the size cap must hold while streaming.
        for (let i = 0; i < 7; i++) res.write(Buffer.alloc(1024 * 1024, 0xff));
        res.end();
        return;
      case '/redirect-loop':
        res.writeHead(302, { location: '/redirect-loop' }).end();
        return;
      case '/declared-huge': {
        // Declares more than the cap and never finishes: only the Content-Length check can answer quickly.
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(6 * 1024 * 1024) });
        res.write(Buffer.alloc(1024, 0xff));
        return;
      }
      case '/empty':
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end();
        return;
      case '/slow':
        // Never answers; the Worker's timeout must fire.
        return;
      case '/drip': {
        // Answers at once, then sends a byte a second for ever: the timeout must also cover the body.
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        const timer = setInterval(() => res.write(Buffer.from([0xff])), 1_000);
        res.on('close', () => clearInterval(timer));
        return;
      }
      default:
        res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export default async function setup(project: TestProject) {
  await writeGeneratedFiles();
  const models = Object.fromEntries(await Promise.all((await modelObjects()).map(async (o) => [o.key, b64(await readFile(o.path))] as const)));

  const g = gradient(150, 224);
  const jpeg = toJpeg(g, 150, 224);
  const fixtures = {
    jpeg: b64(jpeg),
    png: b64(toPng(g, 150, 224)),
    webp: b64(await toWebp(g, 150, 224)),
    bmp: b64(await readFile(join(sharedPaths().imagenetSamples, 'bird.bmp'))),
    // A lossy WebP and the pixels libwebp's own dwebp decodes it to (test/shared/imageDecode.test.ts).
    webpLossy: b64(await readFile(join(WEBP_FIXTURES, 'lossy.webp'))),
    webpLossyDwebp: b64(await readFile(join(WEBP_FIXTURES, 'lossy.dwebp.png'))),
    truncatedJpeg: b64(jpeg.slice(0, jpeg.length >> 1)),
    bomb: b64(pngClaiming(20_000)),
    thin: b64(pngClaiming(8, 100_000)),
    jpegOverBudget: b64(jpegClaiming(jpeg, 1000, 1500)),
    inflationBomb: b64(pngInflatingTo(100, 100, 64 << 20)),
    gif: b64(new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;')),
    text: b64(new TextEncoder().encode('definitely not an image')),
  };

  const fusionHead = join(ARTIFACTS_DIR, (await readManifest(ARTIFACTS_DIR)).models.fusionHead.file);
  const fusionVariant = scaledWeights(new Uint8Array(await readFile(fusionHead)), 0.5);

  const server = await startPosterServer(jpeg);
  project.provide('models', models);
  project.provide('fusionHeadVariant', b64(fusionVariant));
  project.provide('fixtures', fixtures);
  project.provide('reference', await referenceCases());
  project.provide('posterServerPort', (server.address() as { port: number }).port);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
