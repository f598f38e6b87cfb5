import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { admitLargeBodies, posterWork } from '../admission';
import { errorBody } from '../apiError';
import { bearerAuth } from '../bearerAuth';
import type { AppEnv } from '../env';
import { rateLimited } from '../rateLimit';
import { ADMISSION, LIMITS } from '../shared/limits';

/**
 * What every route that takes the input of POST /predict (/predict, /predict/batch, /feedback) goes through
 * before its handler, in this order: the rate limit (one counter for the three), the bearer token, the body
 * size, and, for a body that may hold a poster, the isolate's poster slot.
 */
export const inputGuards: MiddlewareHandler<AppEnv>[] = [
  rateLimited((env) => env.PREDICT_RATE_LIMIT),
  bearerAuth,
  // Refuse oversized bodies before they are parsed, by Content-Length or, for a chunked body, by counting.
  bodyLimit({
    maxSize: LIMITS.requestMaxBytes,
    onError: (c) => c.json(errorBody('body_too_large', `request body is larger than ${LIMITS.requestMaxBytes} bytes`), 413),
  }),
  admitLargeBodies(posterWork, ADMISSION.lightBodyBytes),
];
