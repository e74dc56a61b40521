// What both browser suites share: the TOTP codes staff sign in with (RFC 6238, SHA-1,
// 30-second steps, 6 digits) from a base32 secret.
'use strict';
const crypto = require('crypto');

function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let value = 0; const out = [];
  for (const c of s.replace(/=+$/, '').replace(/\s+/g, '')) {
    value = (value << 5) | alphabet.indexOf(c); bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

// The code `offset` steps from now.
function totp(secret, offset) {
  const step = Math.floor(Date.now() / 1000 / 30) + (offset || 0);
  const msg = Buffer.alloc(8); msg.writeBigInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[19] & 0xf;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1000000).padStart(6, '0');
}

// Every stored word (`relais words`, written by run.sh to $RELAIS_WORDS): a page must show
// their labels, never the words themselves.
const storedWords = process.env.RELAIS_WORDS
  ? [...new Set(JSON.parse(require('fs').readFileSync(process.env.RELAIS_WORDS, 'utf8')).map((e) => e.word))]
  : null;

// The stored words a page shows as they are stored: a text that is one whole word (a cell, an
// option, a status), or a snake_case word inside a text. Code samples and typed values aside.
async function rawWords(page) {
  if (!storedWords) { throw new Error('RELAIS_WORDS is not set (run.sh writes it with `relais words`)'); }
  return page.evaluate((list) => {
    const words = new Set(list);
    const found = new Set();
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('code, pre, script, style, textarea')) { continue; }
      const t = n.textContent.trim();
      if (words.has(t)) { found.add(t); }
      for (const m of t.matchAll(/[a-z0-9]+(?:_[a-z0-9]+)+/g)) { if (words.has(m[0])) { found.add(m[0]); } }
    }
    return [...found];
  }, storedWords);
}

module.exports = { base32, totp, rawWords };
