"use strict";
const path = require("node:path");
const { startProcess, startTsmod } = require("../servers");

/** Ten fields as a browser would post them: spaces as "+", some percent-escapes. */
const BODY = new URLSearchParams({
  first_name: "Ada",
  last_name: "Lovelace",
  email: "ada@example.org",
  street: "12 St James's Square",
  city: "London & Westminster",
  zip: "SW1Y 4JH",
  country: "United Kingdom",
  phone: "+44 20 7946 0000",
  newsletter: "yes",
  comment: "Fünf Äpfel, bitte — 100% sicher?",
}).toString();

/** A 10-field urlencoded POST read with req.form(), against node:http + URLSearchParams. */
module.exports = {
  name: "urlencoded POST",
  request: {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: BODY,
  },
  startTsmod: async () => {
    const s = await startTsmod(path.join(__dirname, "tsmod.conf"));
    return { ...s, url: s.url + "/form" };
  },
  startRaw: () => startProcess([path.join(__dirname, "raw-server.js")]),
};
