"use strict";
// The baseline: the same file from a bare node:http server, stat + fs.createReadStream per
// request, with the validators tsmod sends (ETag as tsmod makes it, Last-Modified) and
// If-None-Match answered, so both servers do the same work per request.
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const FILE = path.join(__dirname, "htdocs/page.html");
const server = http.createServer((req, res) => {
  fs.stat(FILE, (err, st) => {
    if (err) {
      res.statusCode = 404;
      return res.end();
    }
    const etag = `"${st.ino.toString(16)}-${st.size.toString(16)}-${Math.floor(st.mtimeMs * 1000).toString(16)}"`;
    res.setHeader("ETag", etag);
    res.setHeader("Last-Modified", new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString());
    res.setHeader("Accept-Ranges", "bytes");
    if (req.headers["if-none-match"] === etag) {
      res.statusCode = 304;
      return res.end();
    }
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.setHeader("Content-Length", st.size);
    fs.createReadStream(FILE).pipe(res);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`raw listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
