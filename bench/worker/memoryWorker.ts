// The Worker as served, plus GET /__gc for `npm run bench:memory` (started with V8's --expose-gc): a full
// collection between other requests, so that the heap read next over the inspector holds only live objects.
import app from '../../src/index';

declare const gc: () => void;

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (new URL(request.url).pathname === '/__gc') {
      // Twice: the second completes what the first left to background sweeping (freed ArrayBuffers).
      gc();
      gc();
      return new Response(null, { status: 204 });
    }
    return app.fetch(request, env, ctx);
  },
};
