#!/usr/bin/env node
/*
 * bench.js — renders ogcard's reference card (see /work/shared/PEERS.md) with the peer renderers
 * (takumi, satori + resvg-js) and prints figures in the shape `ogcard bench --json` emits.
 *
 * Card: 1200x630, the repository's photo testdata/bg.jpg (1600x900 JPEG, object-fit: cover), a black
 * (0.85 alpha) -> transparent gradient over the bottom 40% (252 px), a white Noto Sans Bold 50 px
 * headline (fonts/NotoSans-Bold.ttf, line height 1.2, centred, 60 px side padding, 44 px from the
 * bottom, clamped to 3 lines with an ellipsis) and a red "NEWSDAILY" tag top-left. Text-only variant:
 * the same card on solid #1b2433 without the photo.
 *
 * Usage (after `npm ci` in this folder):
 *   node bench.js [--n 60] [--warmup 10] [--peers takumi,satori_resvg] [--json] [--out DIR]
 *     --json       print one JSON document ({date, node, cpus, peers: [...]}) instead of a table
 *     --out DIR    save one sample image per peer/case/format (the last measured render)
 *     --max-foreign 0.15 --retries 3   re-run a peer whose run overlapped other CPU load
 *
 * Each peer runs in its own child process (`--child PEER`), so its peak RSS is its own:
 *   1. per case/format: WARMUP renders, then N measured renders, one after the other;
 *      median_ms / p95_ms = wall time per render (performance.now),
 *      cpu_ms = process CPU (user+sys, all threads, process.cpuUsage) over the N renders / N,
 *      bytes = size of the last render's output;
 *   2. two-stream throughput: 2 async render loops in the one process (Promise.all), full card WebP
 *      q80, N renders per stream -> cards_per_s = 2N / wall seconds;
 *   3. peak_rss_mb = process.resourceUsage().maxRSS / 1024 at the end of the child, i.e. the peak
 *      over the whole child, including the two-stream run.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

// ---------------------------------------------------------------- args
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf('--' + name); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def; };
const flag = (name) => argv.includes('--' + name);
const N = +arg('n', 60);
const WARMUP = +arg('warmup', 10);
const OUT = arg('out', '');
const JSON_OUT = flag('json');
const MAX_FOREIGN = +arg('max-foreign', 0.15);
const RETRIES = +arg('retries', 3);
const STREAMS = 2;

const REPO = path.join(__dirname, '../..');
const FONT = path.join(REPO, 'fonts/NotoSans-Bold.ttf');
const FONT_REGULAR = path.join(REPO, 'fonts/NotoSans-Regular.ttf');
const BG = path.join(REPO, 'testdata/bg.jpg');
const REPO_LAYOUT = path.join(REPO, 'layouts/repo.json');
const ALL_PEERS = ['takumi', 'satori_resvg'];

const W = 1200, H = 630, GRAD_H = Math.round(H * 0.4); // 252
const HEADLINE = 'Scientists discover a glowing deep-sea octopus near the Mariana Trench, raising new questions about bioluminescence and how life adapts to crushing pressure';
const BRAND = 'NEWSDAILY';
const TEXT_BG = '#1b2433';
const FONT_SIZE = 50, LINE_HEIGHT = 1.2, PAD_X = 60, PAD_BOTTOM = 44;
const QUALITY = 80;

// ---------------------------------------------------------------- card description (renderer-neutral)
// kind: box | text | img; translated to satori's {type, props} and takumi's {type: container|text|image}.
// (Borrowed from /work/shared/peers/peers_bench.js, so the figures match PEERS.md's card.)
function card(withImage) {
  const children = [];
  if (withImage) children.push({ kind: 'img', src: 'bg', width: W, height: H, style: { position: 'absolute', left: 0, top: 0, width: W, height: H, objectFit: 'cover' } });
  children.push({ kind: 'box', style: { position: 'absolute', left: 0, bottom: 0, width: W, height: GRAD_H, backgroundImage: 'linear-gradient(to top, rgba(0,0,0,0.85), rgba(0,0,0,0))' } });
  children.push({ kind: 'box', style: { position: 'absolute', left: PAD_X, right: PAD_X, bottom: PAD_BOTTOM, display: 'flex', justifyContent: 'center' }, children: [
    { kind: 'text', text: HEADLINE, style: { display: 'block', color: 'white', fontFamily: 'Noto Sans', fontWeight: 700, fontSize: FONT_SIZE, lineHeight: LINE_HEIGHT, textAlign: 'center', lineClamp: 3, textOverflow: 'ellipsis', overflow: 'hidden' } },
  ] });
  children.push({ kind: 'box', style: { position: 'absolute', top: 32, left: 40, display: 'flex', backgroundColor: '#e11d48', borderRadius: 6, padding: '6px 14px' }, children: [
    { kind: 'text', text: BRAND, style: { color: 'white', fontFamily: 'Noto Sans', fontWeight: 700, fontSize: 22, letterSpacing: 1 } },
  ] });
  return { kind: 'box', style: { display: 'flex', position: 'relative', width: W, height: H, backgroundColor: TEXT_BG }, children };
}
// The repository card of layouts/repo.json (issue 12), drawn with flexbox: the same texts (the layout's
// samples), fonts (Noto Sans Regular 400 and Bold 700), sizes, colours and 180x180 avatar. Image srcs are
// keys: 'avatar' (the photo bytes, passed and decoded on every render) and the four icons 'icon-*' (SVG
// markup, coloured #57606a once at start-up, as ogcard rasterizes its icons once per compiled layout).
const REPO_ICONS = ['people', 'issue', 'star', 'fork'];
function repoSamples() {
  const fields = JSON.parse(fs.readFileSync(REPO_LAYOUT, 'utf8')).fields;
  const s = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.sample]));
  s.avatar = path.resolve(path.dirname(REPO_LAYOUT), s.avatar);
  return s;
}
function repoIcons() {
  return Object.fromEntries(REPO_ICONS.map((n) => [`icon-${n}`,
    fs.readFileSync(path.join(REPO, `layouts/assets/icon-${n}.svg`), 'utf8').replaceAll('#000000', '#57606a')]));
}
function repoCard(s) {
  const text = (t, size, weight, color, extra = {}) => ({ kind: 'text', text: t,
    style: { fontFamily: 'Noto Sans', fontWeight: weight, fontSize: size, lineHeight: 1.2, color, ...extra } });
  const clamp = (n) => ({ display: 'block', lineClamp: n, textOverflow: 'ellipsis', overflow: 'hidden' });
  const stat = (icon, num, label) => ({ kind: 'box', style: { display: 'flex', flexDirection: 'row', alignItems: 'center', gap: 10 }, children: [
    { kind: 'img', src: `icon-${icon}`, width: 30, height: 30, style: { width: 30, height: 30 } },
    text(num, 28, 700, '#1f2328'),
    text(label, 28, 400, '#57606a'),
  ] });
  return { kind: 'box', style: { display: 'flex', position: 'relative', width: W, height: H, backgroundColor: '#ffffff' }, children: [
    { kind: 'box', style: { position: 'absolute', left: 80, top: 88, width: W - 80 - 340, display: 'flex', flexDirection: 'column', gap: 28 }, children: [
      { kind: 'box', style: { display: 'flex', flexDirection: 'row', flexWrap: 'wrap', alignItems: 'baseline' }, children: [
        text(`${s.owner}/`, 56, 400, '#57606a', clamp(1)),
        text(s.repo, 56, 700, '#1f2328', clamp(2)),
      ] },
      text(s.description, 30, 400, '#57606a', { ...clamp(3), lineHeight: 1.4 }),
      { kind: 'box', style: { display: 'flex', alignSelf: 'flex-start', backgroundColor: '#ddf4ff', borderRadius: 40, padding: '6px 18px' }, children: [
        { kind: 'text', text: s.language, style: { fontFamily: 'Noto Sans', fontWeight: 400, fontSize: 24, color: '#0969da' } },
      ] },
    ] },
    { kind: 'img', src: 'avatar', width: 180, height: 180, style: { position: 'absolute', right: 80, top: 88, width: 180, height: 180, borderRadius: 24, objectFit: 'cover' } },
    { kind: 'box', style: { position: 'absolute', left: 80, right: 80, bottom: 78, display: 'flex', flexDirection: 'row', alignItems: 'center', gap: 40 }, children: [
      stat('people', s.contributors, 'contributors'),
      stat('issue', s.issues, 'issues'),
      stat('star', s.stars, 'stars'),
      stat('fork', s.forks, 'forks'),
    ] },
    { kind: 'box', style: { position: 'absolute', left: 0, right: 0, bottom: 0, height: 14, backgroundColor: '#3178c6' } },
  ] };
}

// imgSrc: the one src of every image (the reference card), or an object mapping each node's src key to a src.
function toSatori(n, imgSrc) {
  if (n.kind === 'img') return { type: 'img', props: { src: typeof imgSrc === 'object' ? imgSrc[n.src] : imgSrc, width: n.width, height: n.height, style: n.style } };
  if (n.kind === 'text') return { type: 'div', props: { style: n.style, children: n.text } };
  const props = { style: n.style };
  if (n.children) props.children = n.children.map((c) => toSatori(c, imgSrc));
  return { type: 'div', props };
}
// srcs: optional object mapping an image node's src key to the src takumi gets (say inline SVG markup);
// keys it does not map stay keys into the render's `images`.
function toTakumi(n, srcs) {
  if (n.kind === 'img') return { type: 'image', src: (srcs && srcs[n.src]) || n.src, width: n.width, height: n.height, style: n.style };
  if (n.kind === 'text') return { type: 'text', text: n.text, style: n.style };
  const c = { type: 'container', style: n.style };
  if (n.children) c.children = n.children.map((x) => toTakumi(x, srcs));
  return c;
}

// ---------------------------------------------------------------- helpers
const round = (x, d = 2) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const cpuMs = (u) => (u.user + u.system) / 1000;
const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
const pkgVersion = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
const EXT = { webp: 'webp', png: 'png', jpeg: 'jpg' };
function formatOf(buf) {
  if (!buf || buf.length < 12) return null;
  if (buf[0] === 0x89 && buf.toString('latin1', 1, 4) === 'PNG') return 'png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return 'unknown';
}

// One case: WARMUP renders, then N measured renders in sequence.
async function measure(fn) {
  let out;
  for (let i = 0; i < WARMUP; i++) out = await fn();
  if (global.gc) global.gc();
  const wall = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    out = await fn();
    wall.push(performance.now() - t0);
  }
  const cpu = cpuMs(process.cpuUsage(c0));
  wall.sort((a, b) => a - b);
  return { median_ms: quantile(wall, 0.5), p95_ms: quantile(wall, 0.95), cpu_ms: cpu / N, out };
}

// STREAMS concurrent async loops in this process, N renders each (as concInproc in the shared harness).
async function streams(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  if (global.gc) global.gc();
  const lat = [];
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await Promise.all(Array.from({ length: STREAMS }, async () => {
    for (let i = 0; i < N; i++) { const t = performance.now(); await fn(); lat.push(performance.now() - t); }
  }));
  const wall = performance.now() - t0; const cpu = cpuMs(process.cpuUsage(c0));
  lat.sort((a, b) => a - b);
  return { streams: STREAMS, case: 'full', format: 'webp', cards_per_s: round((STREAMS * N) / (wall / 1000)),
    renders: STREAMS * N, wall_s: round(wall / 1000, 3), cpu_cores: round(cpu / wall), latency_median_ms: round(quantile(lat, 0.5)), latency_p95_ms: round(quantile(lat, 0.95)) };
}

// ---------------------------------------------------------------- peers
// Each returns { versions, notes, cases: [{case, format, fn}], streamFn }. fns are async () => Buffer.
const PEERS = {
  async takumi() {
    const { Renderer } = require('@takumi-rs/core');
    const font = fs.readFileSync(FONT);
    const bg = fs.readFileSync(BG);
    const notes = [];
    // `fresh` renders with the decoded-image cache off (photo decoded every render, as with a new photo
    // per request); `reused` is a separate renderer with the default cache ('auto'): decoded once, reused.
    const fresh = new Renderer(), reused = new Renderer();
    for (const r of [fresh, reused]) await r.registerFont({ name: 'Noto Sans', data: font, weight: 700, style: 'normal' });
    const opts = (format, cache) => ({ width: W, height: H, format, ...(format === 'png' ? {} : { quality: QUALITY }),
      ...(cache ? { images: [{ src: 'bg', data: bg, cache }] } : {}) });
    // the node tree is rebuilt and the photo bytes passed on every call, as a service would
    const full = (f) => () => fresh.render(toTakumi(card(true)), opts(f, 'none'));
    const photoReused = (f) => () => reused.render(toTakumi(card(true)), opts(f, 'auto'));
    const textOnly = (f) => () => fresh.render(toTakumi(card(false)), opts(f, null));
    let formats = ['webp', 'png', 'jpeg'];
    try {
      const probe = await textOnly('jpeg')();
      if (formatOf(probe) !== 'jpeg') throw new Error('output is not a JPEG (' + formatOf(probe) + ')');
    } catch (e) {
      formats = ['webp', 'png'];
      notes.push(`takumi ${pkgVersion('@takumi-rs/core')}: format 'jpeg' unavailable (${e.message}); jpeg cases omitted`);
    }
    notes.push("full: images cache 'none' (photo decoded every render); photo_reused: images cache 'auto' on its own Renderer (decoded photo reused)");
    // repo: its own Renderer with Regular (400) and Bold (700), so the reference card's renderer is unchanged
    const repoR = new Renderer();
    await repoR.registerFont({ name: 'Noto Sans', data: fs.readFileSync(FONT_REGULAR), weight: 400, style: 'normal' });
    await repoR.registerFont({ name: 'Noto Sans', data: font, weight: 700, style: 'normal' });
    const rs = repoSamples(), avatar = fs.readFileSync(rs.avatar), icons = repoIcons();
    const repo = (f) => () => repoR.render(toTakumi(repoCard(rs), icons), { width: W, height: H, format: f, ...(f === 'png' ? {} : { quality: QUALITY }),
      images: [{ src: 'avatar', data: avatar, cache: 'none' }] });
    notes.push("repo: layouts/repo.json's card in flexbox on its own Renderer; avatar cache 'none' (decoded every render); icons as inline SVG markup (takumi may keep their rasters in its cache)");
    notes.push(`webp and jpeg: takumi's own encoders, quality ${QUALITY}`);
    return {
      versions: { '@takumi-rs/core': pkgVersion('@takumi-rs/core'), '@takumi-rs/core-linux-x64-gnu': safeVersion('@takumi-rs/core-linux-x64-gnu') },
      notes,
      cases: [
        ...formats.map((f) => ({ case: 'full', format: f, fn: full(f) })),
        ...formats.map((f) => ({ case: 'photo_reused', format: f, fn: photoReused(f) })),
        ...['png', 'webp', ...(formats.includes('jpeg') ? ['jpeg'] : [])].map((f) => ({ case: 'text_only', format: f, fn: textOnly(f) })),
        ...formats.map((f) => ({ case: 'repo', format: f, fn: repo(f) })),
      ],
      streamFn: full('webp'),
    };
  },

  async satori_resvg() {
    const satori = (await import('satori')).default;
    const { Resvg } = require('@resvg/resvg-js');
    const sharp = require('sharp');
    sharp.cache(false); // libvips' operation cache would memoise identical work across renders
    const fonts = [{ name: 'Noto Sans', data: fs.readFileSync(FONT), weight: 700, style: 'normal' }];
    const bg = fs.readFileSync(BG);
    // the base64 data URI is built per render (a service gets new photo bytes per request)
    const toSvg = (wi) => satori(toSatori(card(wi), wi ? 'data:image/jpeg;base64,' + bg.toString('base64') : undefined), { width: W, height: H, fonts });
    // satori already turned text into <path>s, so resvg needs no fonts: don't scan system fonts
    const resvgOpts = { fitTo: { mode: 'original' }, font: { loadSystemFonts: false } };
    const png = async (wi) => new Resvg(await toSvg(wi), resvgOpts).render().asPng();
    const viaSharp = (f) => async (wi) => {
      const img = new Resvg(await toSvg(wi), resvgOpts).render();
      const s = sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: 4 } }).removeAlpha();
      return (f === 'webp' ? s.webp({ quality: QUALITY }) : s.jpeg({ quality: QUALITY })).toBuffer();
    };
    const webp = viaSharp('webp'), jpeg = viaSharp('jpeg');
    // repo: its own font list (Regular 400 + Bold 700); the icons as SVG data URIs built once, the avatar's
    // data URI built per render like the photo's
    const repoFonts = [{ name: 'Noto Sans', data: fs.readFileSync(FONT_REGULAR), weight: 400, style: 'normal' }, fonts[0]];
    const rs = repoSamples(), avatar = fs.readFileSync(rs.avatar);
    const iconURIs = Object.fromEntries(Object.entries(repoIcons()).map(([k, v]) => [k, 'data:image/svg+xml;base64,' + Buffer.from(v).toString('base64')]));
    const repoSvg = () => satori(toSatori(repoCard(rs), { ...iconURIs, avatar: 'data:image/jpeg;base64,' + avatar.toString('base64') }), { width: W, height: H, fonts: repoFonts });
    const repoPng = async () => new Resvg(await repoSvg(), resvgOpts).render().asPng();
    const repoViaSharp = (f) => async () => {
      const img = new Resvg(await repoSvg(), resvgOpts).render();
      const s = sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: 4 } }).removeAlpha();
      return (f === 'webp' ? s.webp({ quality: QUALITY }) : s.jpeg({ quality: QUALITY })).toBuffer();
    };
    return {
      versions: { satori: pkgVersion('satori'), '@resvg/resvg-js': pkgVersion('@resvg/resvg-js'), sharp: pkgVersion('sharp'), libwebp: sharp.versions.webp, mozjpeg: sharp.versions.mozjpeg },
      notes: [`png: resvg's own encoder; webp and jpeg: sharp ${pkgVersion('sharp')} from resvg's raw pixels (removeAlpha, quality ${QUALITY})`],
      cases: [
        { case: 'full', format: 'png', fn: () => png(true) },
        { case: 'full', format: 'webp', fn: () => webp(true) },
        { case: 'full', format: 'jpeg', fn: () => jpeg(true) },
        { case: 'text_only', format: 'png', fn: () => png(false) },
        { case: 'repo', format: 'webp', fn: repoViaSharp('webp') },
        { case: 'repo', format: 'png', fn: repoPng },
        { case: 'repo', format: 'jpeg', fn: repoViaSharp('jpeg') },
      ],
      streamFn: () => webp(true),
    };
  },
};
function safeVersion(name) { try { return pkgVersion(name); } catch { return undefined; } }

// ---------------------------------------------------------------- child mode (one peer, this process)
async function child(peer) {
  if (!PEERS[peer]) throw new Error(`unknown peer ${peer} (known: ${ALL_PEERS.join(', ')})`);
  if (OUT) fs.mkdirSync(OUT, { recursive: true });
  const p = await PEERS[peer]();
  const notes = [...p.notes];
  const cases = [];
  for (const c of p.cases) {
    process.stderr.write(`  ${peer} ${c.case} ${c.format}\n`);
    const m = await measure(c.fn);
    const got = formatOf(m.out);
    if (got !== c.format) notes.push(`${c.case} ${c.format}: output is ${got}, not ${c.format}`);
    if (OUT) fs.writeFileSync(path.join(OUT, `${peer}_${c.case}.${EXT[c.format]}`), m.out);
    cases.push({ case: c.case, format: c.format, median_ms: round(m.median_ms), p95_ms: round(m.p95_ms), cpu_ms: round(m.cpu_ms), bytes: m.out.length });
  }
  process.stderr.write(`  ${peer} ${STREAMS} streams full webp\n`);
  const st = await streams(p.streamFn);
  const r = { tool: peer, versions: p.versions, runs: N, warmup: WARMUP, cases, streams: st,
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1), foreign_cores: null, notes,
    own_cpu_ms: cpuMs(process.cpuUsage()) };
  process.stdout.write('@@RESULT@@' + JSON.stringify(r) + '\n');
}

// ---------------------------------------------------------------- driver
// The machine may be shared: other processes' CPU during a child run is measured from /proc/stat (all
// busy jiffies minus the child's own CPU time) and reported as foreign_cores; a run whose foreign load
// exceeds --max-foreign (0.15 cores) is repeated up to --retries (3) times, keeping the least disturbed.
function procStatBusyMs() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user + nice + system + irq + softirq + steal) * 10; // USER_HZ = 100
  } catch { return NaN; }
}
function runChildOnce(peer) {
  const args = ['--expose-gc', __filename, '--child', peer, '--n', String(N), '--warmup', String(WARMUP), ...(OUT ? ['--out', OUT] : [])];
  const busy0 = procStatBusyMs(), t0 = Date.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = Date.now() - t0, busy = procStatBusyMs() - busy0;
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('@@RESULT@@'));
  if (!line) return { tool: peer, error: `exit ${r.status}: ${(r.stderr || '').slice(-2000)}` };
  const res = JSON.parse(line.slice(10));
  if (Number.isFinite(busy)) res.foreign_cores = round(Math.max(0, (busy - res.own_cpu_ms) / wall));
  delete res.own_cpu_ms;
  return res;
}
function runChild(peer) {
  let best;
  for (let a = 1; a <= RETRIES; a++) {
    process.stderr.write(`running ${peer} (n=${N}, warmup=${WARMUP})${a > 1 ? ` attempt ${a}` : ''} ...\n`);
    const r = runChildOnce(peer);
    if (r.error) { process.stderr.write(`  FAILED ${r.error}\n`); return r; }
    if (!best || r.foreign_cores < best.foreign_cores) best = r;
    if (!(r.foreign_cores > MAX_FOREIGN)) break;
    process.stderr.write(`  foreign load ${r.foreign_cores.toFixed(2)} cores during ${peer}${a < RETRIES ? '; retrying' : ''}\n`);
  }
  if (best.foreign_cores > MAX_FOREIGN) best.notes.push(`foreign load stayed above ${MAX_FOREIGN} cores in ${RETRIES} attempts; least disturbed run kept`);
  return best;
}

const fmt = (x, d = 1) => (x == null || !Number.isFinite(x) ? '–' : x.toFixed(d));
function markdown(doc) {
  const rows = [`Run ${doc.date}, Node ${doc.node}, ${doc.cpus} CPUs (${doc.cpu_model}), N=${N} after ${WARMUP} warm-up`, '',
    '| peer | case | format | median ms | p95 ms | cpu ms (mean) | bytes |', '|---|---|---|---:|---:|---:|---:|'];
  for (const p of doc.peers) {
    if (p.error) { rows.push(`| ${p.tool} | FAILED | | | | | |`); continue; }
    for (const c of p.cases) rows.push(`| ${p.tool} | ${c.case} | ${c.format} | ${fmt(c.median_ms)} | ${fmt(c.p95_ms)} | ${fmt(c.cpu_ms)} | ${c.bytes} |`);
  }
  rows.push('', `| peer | versions | ${STREAMS} streams full webp cards/s | cores used | peak RSS MB | foreign load (cores) |`, '|---|---|---:|---:|---:|---:|');
  for (const p of doc.peers) {
    if (p.error) continue;
    rows.push(`| ${p.tool} | ${Object.entries(p.versions).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')} | ${fmt(p.streams.cards_per_s)} | ${fmt(p.streams.cpu_cores, 2)} | ${fmt(p.peak_rss_mb, 0)} | ${fmt(p.foreign_cores, 2)} |`);
  }
  const notes = doc.peers.flatMap((p) => (p.notes || []).map((n) => `- ${p.tool}: ${n}`));
  if (notes.length) rows.push('', ...notes);
  for (const p of doc.peers) if (p.error) rows.push(`- ${p.tool} FAILED: ${p.error}`);
  return rows.join('\n') + '\n';
}
function driver() {
  const peers = arg('peers', ALL_PEERS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of peers) if (!PEERS[p]) { process.stderr.write(`unknown peer ${p} (known: ${ALL_PEERS.join(', ')})\n`); process.exit(2); }
  for (const f of [FONT, FONT_REGULAR, BG, REPO_LAYOUT]) if (!fs.existsSync(f)) { process.stderr.write(`missing ${f}\n`); process.exit(2); }
  if (!(N > 0) || !(WARMUP >= 0)) { process.stderr.write('--n must be > 0 and --warmup >= 0\n'); process.exit(2); }
  const cpus = os.cpus();
  const doc = { date: new Date().toISOString(), node: process.version, cpus: cpus.length, cpu_model: cpus[0] && cpus[0].model,
    peers: peers.map(runChild) };
  const text = JSON_OUT ? JSON.stringify(doc, null, 2) + '\n' : markdown(doc);
  if (OUT) fs.writeFileSync(path.join(OUT, JSON_OUT ? 'peers.json' : 'peers.md'), text);
  process.stdout.write(text);
  if (doc.peers.some((p) => p.error)) process.exitCode = 1;
}

module.exports = { card, repoCard, repoSamples, repoIcons, toSatori, toTakumi, PEERS };
if (require.main === module) {
  const peer = arg('child');
  (peer ? child(peer) : Promise.resolve(driver())).catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
}
