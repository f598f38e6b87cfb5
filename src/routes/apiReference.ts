import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../env';

/**
 * GET /docs: Swagger UI on the OpenAPI description, for people trying the API from a browser. Its script and
 * stylesheet are static assets (public/swagger-ui-dist/ links to the pinned swagger-ui-dist package), so the
 * reference works offline and adds nothing to the Worker bundle; see docs/decisions/serving-api-reference.md.
 */
export const apiReferenceRoutes = new Hono<AppEnv>();

apiReferenceRoutes.get(
  '/docs',
  // Nothing from another origin. Swagger UI starts from an inline script and sets inline styles.
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  }),
  swaggerUI({
    url: '/openapi.json',
    title: 'Movie genre classifier: API reference',
    // Asset URLs are `${baseUrl}/swagger-ui-dist/...`: this origin's static files instead of a CDN.
    baseUrl: '',
    // Swagger UI would otherwise send the description to validator.swagger.io for a badge.
    validatorUrl: 'none',
    deepLinking: true,
    displayRequestDuration: true,
  }),
);
