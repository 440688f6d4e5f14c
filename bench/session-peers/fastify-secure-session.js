"use strict";
/**
 * The peer of tsmod's sealed-cookie sessions: fastify with @fastify/secure-session (the whole
 * session encrypted in the cookie). The page does what bench/session-common/page.ts does.
 */
const fastify = require("fastify")();

fastify.register(require("@fastify/secure-session"), {
  cookieName: "peersid",
  secret: "bench-secret-of-at-least-32-characters",
  salt: "mq9hDxBVDbspDR6n",
  cookie: { path: "/", httpOnly: true },
});
fastify.get("/page", (request, reply) => {
  const n = (request.session.get("n") ?? 0) + 1;
  request.session.set("n", n);
  reply.type("text/plain").send(String(n));
});
fastify.listen({ port: 0, host: "127.0.0.1" }).then(() => {
  process.stdout.write(`fastify listening on http://127.0.0.1:${fastify.server.address().port}\n`);
});
process.on("SIGTERM", () => fastify.close().then(() => process.exit(0)));
