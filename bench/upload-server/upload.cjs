"use strict";
// The upload handler as .cjs, which tsmod evaluates without compiling: no TypeScript compiler
// (~45 MB) is loaded in the server, so the resident set measured is the upload path's own.
const { OK } = require("tsmod");

/**
 * Parses a multipart upload with req.form() and answers with the file's size and the highest
 * resident set size sampled while the body streamed in, and the highest ArrayBuffer memory: the
 * request body's chunks, which stay allocated after use until V8's next young-generation GC.
 */
exports.handler = async function handler(req) {
  const start = process.memoryUsage();
  const startRss = start.rss;
  let peakRss = startRss;
  let peakArrayBuffers = start.arrayBuffers;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
  }, 10);
  try {
    const form = await req.form();
    const file = form.getfirst("file");
    req.contentType = "application/json";
    await req.write(JSON.stringify({ size: typeof file === "string" ? -1 : (file?.size ?? -1), peakRss, startRss, peakArrayBuffers }));
  } finally {
    clearInterval(sampler);
  }
  return OK;
};
