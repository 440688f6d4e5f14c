"use strict";
// The upload handler as .cjs, which tsmod evaluates without compiling: no TypeScript compiler
// (~45 MB) is loaded in the server, so the resident set measured is the upload path's own.
const { OK } = require("tsmod");

/**
 * Parses a multipart upload with req.form() and answers with the file's size and the highest
 * resident set size sampled while the body streamed in.
 */
exports.handler = async function handler(req) {
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);
  try {
    const form = await req.form();
    const file = form.getfirst("file");
    req.contentType = "application/json";
    await req.write(JSON.stringify({ size: typeof file === "string" ? -1 : (file?.size ?? -1), peakRss, startRss }));
  } finally {
    clearInterval(sampler);
  }
  return OK;
};
