#!/usr/bin/env node
/*
 * compare.js — `node compare.js ogcard.json peers.json`
 *
 * ogcard.json: the document `ogcard bench --json` prints (one tool object, "tool":"ogcard"; rows may carry
 *              a "variant", e.g. "pure-go", and are then shown as their own row; a report-level "variant"
 *              other than "native" labels every row).
 * peers.json:  the document `node bench.js --json` prints ({date, node, cpus, peers: [tool objects]}).
 * Further arguments, each either
 *   FILE       another ogcard report (say the pure-Go build): its rows are shown with their variant
 *              ("extra" if none) and measured against no target, or
 *   CARD=FILE  an ogcard report of another card (say `repo=ogcard-repo.json` from
 *              `ogcard bench --layout layouts/repo.json --cases full`): its `full` rows are shown as case
 *              CARD and compared with the peers' CARD rows (its other cases as `CARD/case`).
 *
 * Prints a markdown table: one row per ogcard case/format(/variant) with ogcard's cpu_ms, median ms and
 * bytes, and for each peer the peer's cpu_ms and the ratios ogcard/peer for cpu_ms and bytes; then peak
 * RSS and two-stream cards/s. Ratios against takumi are marked ✓/✗ against the targets below.
 */
'use strict';
const fs = require('node:fs');

// Targets, all as ogcard / takumi (takumi's photo_reused for ogcard's photo_reused rows).
const CPU_TARGET = { full: 0.5, photo_reused: 0.8, text_only: 1.0, repo: 0.5 }; // at most (repo: issue 12)
const CPU_TARGET_FORMAT = { 'text_only png': 0.8 }; // at most; overrides CPU_TARGET for that case and format (issue 18)
const BYTES_TARGET = { webp: 1.0, jpeg: 1.0, png: 1.0 }; // at most (PNG was 1.2 before issue 18)
const BYTES_INFO_ONLY = new Set(['repo']); // cases whose bytes are shown without a target (issue 12)
const bytesTarget = (c) => (BYTES_INFO_ONLY.has(c.case) ? null : BYTES_TARGET[c.format]);
const cpuTarget = (c) => CPU_TARGET_FORMAT[`${c.case} ${c.format}`] ?? CPU_TARGET[c.case];
const RSS_TARGET = 0.5; // at most
const STREAMS_TARGET = 2.0; // at least
const TARGET_PEER = 'takumi';

function usage(msg) {
  if (msg) process.stderr.write(msg + '\n');
  process.stderr.write('usage: node compare.js ogcard.json peers.json [ogcard-variant.json | CARD=ogcard-card.json ...]\n');
  process.exit(2);
}
function load(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { usage(`cannot read ${file}: ${e.message}`); }
}
// Accepts a tool object, an array of tool objects, or a document with a `peers` array.
function tools(doc) {
  if (Array.isArray(doc)) return doc;
  if (doc && Array.isArray(doc.peers)) return doc.peers;
  if (doc && doc.tool) return [doc];
  return [];
}

const [ogFile, peersFile, ...extraArgs] = process.argv.slice(2);
// CARD=FILE names the card FILE measured; a plain FILE is a variant of the reference card.
const extras = extraArgs.map((a) => { const m = /^([a-z][a-z0-9_]*)=(.+)$/.exec(a); return m ? { card: m[1], file: m[2] } : { file: a }; });
if (!ogFile || !peersFile) usage();
const ogDoc = load(ogFile), peersDoc = load(peersFile);
const og = tools(ogDoc).find((t) => t.tool === 'ogcard') || tools(ogDoc)[0];
if (!og || !Array.isArray(og.cases)) usage(`${ogFile}: no ogcard tool object with "cases"`);
const peers = tools(peersDoc).filter((t) => t.tool !== 'ogcard');
const okPeers = peers.filter((p) => !p.error && Array.isArray(p.cases));
if (!okPeers.length) usage(`${peersFile}: no peer results`);

const num = (x) => typeof x === 'number' && Number.isFinite(x);
const f = (x, d = 1) => (num(x) ? x.toFixed(d) : '–');
const ratio = (a, b) => (num(a) && num(b) && b > 0 ? a / b : null);
let met = 0, checked = 0;
function mark(r, target, atLeast = false) {
  if (r == null) return '–';
  let s = `${r.toFixed(2)}×`;
  if (target != null) {
    const ok = atLeast ? r >= target : r <= target;
    checked++; if (ok) met++;
    s += ok ? ' ✓' : ' ✗';
  }
  return s;
}
const peerCase = (p, c, fmt) => p.cases.find((x) => x.case === c && x.format === fmt && !x.variant);

const out = [];
const vers = (t) => Object.entries(t.versions || {}).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ');
out.push(`ogcard${og.variant ? ` [${og.variant}]` : ''} (${vers(og) || 'no versions'}): ${og.runs} runs after ${og.warmup} warm-up, foreign load ${f(og.foreign_cores, 2)} cores`);
for (const p of okPeers) out.push(`${p.tool} (${vers(p)}): ${p.runs} runs after ${p.warmup} warm-up, foreign load ${f(p.foreign_cores, 2)} cores`);
if (peersDoc.date) out.push(`peers run ${peersDoc.date}, Node ${peersDoc.node}, ${peersDoc.cpus} CPUs`);
for (const p of peers.filter((x) => x.error)) out.push(`**${p.tool} failed**: ${String(p.error).split('\n')[0]}`);
for (const p of okPeers) if (p.runs !== og.runs) out.push(`**warning**: ogcard measured ${og.runs} runs, ${p.tool} ${p.runs}`);
const extraTools = extras.map((e) => ({ ...e, tools: tools(load(e.file)).filter((x) => Array.isArray(x.cases)) }));
for (const e of extraTools.filter((x) => x.card)) {
  for (const t of e.tools) {
    out.push(`ogcard ${e.card} card${t.variant && t.variant !== 'native' ? ` [${t.variant}]` : ''} (${e.file}): ${t.runs} runs after ${t.warmup} warm-up, foreign load ${f(t.foreign_cores, 2)} cores`);
    for (const p of okPeers) if (p.runs !== t.runs) out.push(`**warning**: ogcard measured ${t.runs} runs of the ${e.card} card, ${p.tool} ${p.runs}`);
  }
}
const ogs = og.streams || {};
for (const p of okPeers) {
  const ps = p.streams || {};
  if (ps.streams !== ogs.streams || ps.case !== ogs.case || ps.format !== ogs.format) out.push(`**warning**: ${p.tool}'s stream run (${ps.streams} ${ps.case} ${ps.format}) differs from ogcard's (${ogs.streams} ${ogs.case} ${ogs.format})`);
}
out.push('');
out.push(`Ratios are ogcard / peer (cpu_ms = mean process CPU per render; bytes = output size). Targets vs ${TARGET_PEER}: CPU full ≤${CPU_TARGET.full}×, photo_reused ≤${CPU_TARGET.photo_reused}×, text_only ≤${CPU_TARGET.text_only}× (PNG ≤${CPU_TARGET_FORMAT['text_only png']}×), repo ≤${CPU_TARGET.repo}×; bytes WebP/JPEG ≤${BYTES_TARGET.webp}×, PNG ≤${BYTES_TARGET.png}× (repo: for information); peak RSS ≤${RSS_TARGET}×; two-stream cards/s ≥${STREAMS_TARGET}×.`);
out.push('');

const head = ['case', 'format', 'ogcard cpu ms', 'ogcard median ms', 'ogcard bytes'];
const align = ['---', '---', '---:', '---:', '---:'];
for (const p of okPeers) { head.push(`${p.tool} cpu ms`, `cpu ×${p.tool}`, `bytes ×${p.tool}`); align.push('---:', '---:', '---:'); }
out.push(`| ${head.join(' | ')} |`, `|${align.join('|')}|`);
// Further ogcard reports (say a -tags nodynamic build: the pure-Go path)
// add their rows, labelled with their variant and measured against no target.
const variantOf = (doc, c) => c.variant || (doc.variant && doc.variant !== 'native' ? doc.variant : '');
const ogRows = og.cases.map((c) => ({ ...c, variant: variantOf(og, c) }));
// A CARD=FILE report adds its rows as that card's, against the card's targets.
for (const e of extraTools) {
  for (const t of e.tools) {
    ogRows.push(...t.cases.map((c) => (e.card
      ? { ...c, case: c.case === 'full' ? e.card : `${e.card}/${c.case}`, variant: variantOf(t, c) }
      : { ...c, variant: variantOf(t, c) || 'extra' })));
  }
}
for (const c of ogRows) {
  const variant = c.variant;
  const row = [c.case + (variant ? ` (${variant})` : ''), c.format, f(c.cpu_ms), f(c.median_ms), num(c.bytes) ? String(c.bytes) : '–'];
  for (const p of okPeers) {
    const pc = peerCase(p, c.case, c.format);
    const isT = p.tool === TARGET_PEER && !variant;
    row.push(pc ? f(pc.cpu_ms) : '–',
      mark(pc && ratio(c.cpu_ms, pc.cpu_ms), isT ? cpuTarget(c) : null),
      mark(pc && ratio(c.bytes, pc.bytes), isT ? bytesTarget(c) : null));
  }
  out.push(`| ${row.join(' | ')} |`);
}

out.push('');
const head2 = ['measure', 'ogcard'], align2 = ['---', '---:'];
for (const p of okPeers) { head2.push(p.tool, `ogcard/${p.tool}`); align2.push('---:', '---:'); }
out.push(`| ${head2.join(' | ')} |`, `|${align2.join('|')}|`);
const rssRow = ['peak RSS MB', f(og.peak_rss_mb)];
for (const p of okPeers) rssRow.push(f(p.peak_rss_mb), mark(ratio(og.peak_rss_mb, p.peak_rss_mb), p.tool === TARGET_PEER ? RSS_TARGET : null));
out.push(`| ${rssRow.join(' | ')} |`);
const stLabel = `${ogs.streams || 2} streams ${ogs.case || 'full'} ${ogs.format || 'webp'} cards/s`;
const stRow = [stLabel, f(ogs.cards_per_s, 2)];
for (const p of okPeers) {
  const ps = p.streams || {};
  stRow.push(f(ps.cards_per_s, 2), mark(ratio(ogs.cards_per_s, ps.cards_per_s), p.tool === TARGET_PEER ? STREAMS_TARGET : null, true));
}
out.push(`| ${stRow.join(' | ')} |`);
out.push('');
out.push(`Targets met vs ${TARGET_PEER}: ${met}/${checked}`);
const notes = [og, ...okPeers].flatMap((t) => (t.notes || []).map((n) => `- ${t.tool}: ${n}`));
if (notes.length) out.push('', ...notes);
process.stdout.write(out.join('\n') + '\n');
