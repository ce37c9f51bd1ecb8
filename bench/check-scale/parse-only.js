#!/usr/bin/env node
// Parse-only baseline for the Faultline check-scale benchmark.
//
//   node parse-only.js DIR
//
// Reads every .yaml/.yml file directly in DIR (sorted by name) and parses it
// with js-yaml's loadAll, nothing else: no validation, no cross-references,
// no output besides the document count on stderr. Its time is the floor a
// fast YAML parser sets for the same folder.
'use strict';

const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node parse-only.js DIR\n');
  process.exit(2);
}

const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
let docs = 0;
for (const f of files) {
  const text = fs.readFileSync(path.join(dir, f), 'utf8');
  yaml.loadAll(text, (doc) => {
    if (doc !== null && doc !== undefined) docs++;
  });
}
process.stderr.write(`${docs} documents in ${files.length} files\n`);
