"use strict";
// A plain request listener, served from a daemon group and from the server's own process.
module.exports = (req, res) => {
  res.setHeader("Content-Type", "application/json");
  res.end('{"hello":"world"}');
};
