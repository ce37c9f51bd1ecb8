#!/usr/bin/env node
// Writes the request CSVs that the `faultline canary judge` tests replay, one folder per case.
//
//   node tests/Faultline.Cli.Tests/Judge/generate.js
//
// Deterministic: a fixed-seed PRNG (mulberry32) and no clock, so the same script gives the same bytes.
// Baseline traffic: latency log-normal (median 100 ms, log-scale spread 0.5), 0.5% of requests fail with
// a 500, and an "accuracy" score near 0.8. Each case changes the canary (or a column) as its name says.
'use strict';

const fs = require('fs');
const path = require('path');

function mulberry32(seed) {
  return function () {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand) {
  const u1 = 1 - rand();
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// One side's rows. opts: n, seed, latencyFactor, errorRate, scoreMean, accuracy (column on/off), start (unix s), iso.
function rows(opts) {
  const rand = mulberry32(opts.seed);
  const out = [];
  for (let i = 0; i < opts.n; i++) {
    const latency = 100 * (opts.latencyFactor ?? 1) * Math.exp(0.5 * normal(rand));
    const status = rand() < (opts.errorRate ?? 0.005) ? 500 : 200;
    const score = Math.min(1, Math.max(0, (opts.scoreMean ?? 0.8) + 0.1 * normal(rand)));
    const row = [];
    if (opts.start !== undefined) {
      const t = opts.start + i * (opts.spacing ?? 0.1);
      row.push(opts.iso ? new Date(Math.round(t * 1000)).toISOString() : t.toFixed(1));
    }
    row.push(latency.toFixed(1), String(status));
    if (opts.accuracy !== false) {
      row.push(score.toFixed(3));
    }
    out.push(row.join(','));
  }
  return out;
}

function header(opts) {
  const cols = [];
  if (opts.start !== undefined) cols.push('timestamp');
  cols.push('latency_ms', 'status');
  if (opts.accuracy !== false) cols.push('accuracy');
  return cols.join(',');
}

function write(dir, file, opts) {
  fs.mkdirSync(path.join(__dirname, dir), { recursive: true });
  const lines = [header(opts), ...rows(opts)];
  fs.writeFileSync(path.join(__dirname, dir, file), lines.join('\n') + '\n');
}

// promote: identical versions; judge.yaml in the folder loosens the tolerances so that it decides early.
write('promote', 'baseline.csv', { n: 3000, seed: 11 });
write('promote', 'canary.csv', { n: 3000, seed: 12 });
// rollback: every canary request 30% slower.
write('rollback-latency', 'baseline.csv', { n: 1500, seed: 21 });
write('rollback-latency', 'canary.csv', { n: 1500, seed: 22, latencyFactor: 1.3 });
// rollback on the quality board only: same latency and errors, accuracy 0.1 lower.
write('rollback-quality', 'baseline.csv', { n: 1500, seed: 31 });
write('rollback-quality', 'canary.csv', { n: 1500, seed: 32, scoreMean: 0.7 });
// continue: too few requests to decide either way.
write('continue', 'baseline.csv', { n: 300, seed: 41 });
write('continue', 'canary.csv', { n: 300, seed: 42 });
// hold: the canary has received no traffic (a header, no rows).
write('hold-empty', 'baseline.csv', { n: 500, seed: 51 });
write('hold-empty', 'canary.csv', { n: 0, seed: 52 });
// hold: the canary does not report the accuracy score at all.
write('hold-missing-metric', 'baseline.csv', { n: 800, seed: 61 });
write('hold-missing-metric', 'canary.csv', { n: 800, seed: 62, accuracy: false });
// interval: ISO-8601 timestamps, 10 requests per second, canary 30% slower; judged every 20 seconds.
write('interval', 'baseline.csv', { n: 1500, seed: 71, start: 1767225600, iso: true });
write('interval', 'canary.csv', { n: 1500, seed: 72, start: 1767225600, iso: true, latencyFactor: 1.3 });
