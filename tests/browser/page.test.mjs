// The page and the embeddable component, end to end in Debian's headless Chromium driven by
// playwright-core: every artifact read from the page equals `kubectl-irsa generate -o json`
// byte for byte; errors show at their field; the share link restores the form; the docs
// example works; no request leaves the page's origin, and none is made after load.
// Needs web/pkg (scripts/build-web) and target/debug/kubectl-irsa (cargo build).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO, 'target', 'debug', 'kubectl-irsa');
const OUT = join(REPO, 'target', 'browser');
const ISSUER = 'https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

let server;
let browser;
let origin;
const metrics = {};

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await serve(0);
  origin = `http://127.0.0.1:${server.port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  writeFileSync(join(OUT, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log('browser metrics:', JSON.stringify(metrics));
  await browser?.close();
  server?.server.close();
});

/** A fresh page that records every request it makes and fails on any page error. */
async function open(path, viewport = { width: 1200, height: 1400 }, options = {}) {
  const context = await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${origin}${path}`);
  await page.waitForFunction(() => document.querySelector('irsa-generator')?.bundle);
  return { page, context, requests, errors };
}

const generator = (page) => page.locator('irsa-generator').first();

/** The core's bundle for a spec object, from the native binary. */
function cliBundle(spec) {
  try {
    return JSON.parse(execFileSync(CLI, ['generate', '-f', '-', '-o', 'json'], { input: JSON.stringify(spec) }).toString());
  } catch (e) {
    return JSON.parse(e.stdout.toString());
  }
}

/** Every artifact as the page shows it: each tool's tab, then each of its files. */
async function shownArtifacts(page) {
  const root = generator(page);
  const tools = root.locator('.tool-tabs [role=tab]');
  const shown = {};
  for (let t = 0; t < await tools.count(); t += 1) {
    await tools.nth(t).click();
    const files = root.locator('.tabs [role=tab]');
    for (let i = 0; i < await files.count(); i += 1) {
      // A tool with one file shows no file tabs: its tab shows the file.
      if (await files.nth(i).isVisible()) await files.nth(i).click();
      shown[await files.nth(i).getAttribute('data-path')] = await root.locator('.panel code').textContent();
    }
  }
  return shown;
}

/** Shows the file at `path`: its tool's tab, then its own. */
async function showFile(page, tool, path) {
  await generator(page).locator(`.tool-tabs [data-tool="${tool}"]`).click();
  await generator(page).locator(`.tabs [role=tab][data-path="${path}"]`).click();
}

async function assertMatchesCli(page) {
  const spec = await page.evaluate(() => document.querySelector('irsa-generator').spec);
  const expected = cliBundle(spec);
  const bundle = await page.evaluate(() => document.querySelector('irsa-generator').bundle);
  assert.deepEqual(bundle, expected, 'the wasm bundle differs from kubectl-irsa generate -o json');
  const shown = await shownArtifacts(page);
  for (const artifact of expected.artifacts.filter((a) => a.kind !== 'diagram')) {
    assert.equal(shown[artifact.path], artifact.content, `${artifact.path} as shown differs`);
  }
  const svg = await page.evaluate(() => document.querySelector('irsa-generator').shadowRoot.querySelector('.diagram').innerHTML);
  const diagram = expected.artifacts.find((a) => a.kind === 'diagram');
  assert.equal(svg.trim().length > 0, true);
  assert.ok(diagram && svg.includes('class="irsa-diagram"'));
  return expected;
}

async function fill(page, name, value) {
  await generator(page).locator(`[name=${name}]`).fill(value);
}

/** Adds a workload row and fills it: `{ kind, name, container, serviceAccount, profile }`. */
async function wireWorkload(page, values) {
  const root = generator(page);
  await root.locator('.workloads .add').click();
  const row = (await root.locator('.workloads .row').count()) - 1;
  for (const [key, value] of Object.entries(values)) {
    const box = root.locator(`[data-workload="${row}"][data-key=${key}]`);
    if (key === 'kind') await box.selectOption(value);
    else await box.fill(value);
  }
  return root.locator('.workloads .row').nth(row);
}

test('the example page renders and every artifact equals the CLI output', async () => {
  const { page, context, errors, requests } = await open('/');
  const expected = await assertMatchesCli(page);
  // The commands tab (the core's command lines): the flags-only form of this spec.
  await showFile(page, 'cli', 'commands.sh');
  assert.match(await generator(page).locator('.panel code').textContent(),
    new RegExp(`^kubectl irsa generate payments/api --account 111122223333 --issuer ${ISSUER.replaceAll('.', '\\.')} --role payments-api --assume deploy=arn:aws:iam::444455556666:role/payments-deploy --out-dir irsa/$`, 'm'));
  assert.deepEqual([...new Set(expected.artifacts.map((a) => a.kind))].sort(), ['aws-cli', 'aws-config', 'cloudformation', 'config-map', 'diagram', 'permissions-policy', 'service-account', 'terraform', 'trust-policy']);
  // Download all: every artifact as the CLI writes it, the spec and the command lines.
  const [download] = await Promise.all([page.waitForEvent('download'), generator(page).locator('.download-all').click()]);
  const tar = readFileSync(await download.path());
  const entries = new Map();
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const name = tar.subarray(at, at + 100).toString().replace(/\0.*$/s, '');
    const size = parseInt(tar.subarray(at + 124, at + 136).toString(), 8);
    entries.set(name, tar.subarray(at + 512, at + 512 + size).toString());
    at += 512 + Math.ceil(size / 512) * 512;
  }
  assert.deepEqual([...entries.keys()].sort(), [...expected.artifacts.map((a) => `irsa/${a.path}`), 'irsa/irsa.yaml', 'irsa/commands.sh'].sort());
  for (const a of expected.artifacts) assert.equal(entries.get(`irsa/${a.path}`), a.content, a.path);
  assert.match(entries.get('irsa/commands.sh'), /^kubectl irsa generate payments\/api /m);
  assert.deepEqual(errors, []);
  assert.ok(requests.every((url) => url.startsWith(origin)), `requests left the origin: ${requests}`);
  await page.screenshot({ path: join(OUT, 'page.png'), fullPage: true });
  await context.close();
});

test('a form filled from scratch, advanced settings included, matches the CLI', async () => {
  const { page, context, errors } = await open('/');
  await page.locator('irsa-generator .targets .rows .remove').click();
  await fill(page, 'account', '111122223333');
  await fill(page, 'cluster', `${ISSUER}\nhttps://oidc.eks.eu-west-2.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210`);
  await fill(page, 'serviceAccount', 'on/yes\npayments/api');
  await fill(page, 'role', 'payments-api');
  await generator(page).locator('.targets .add').click();
  await generator(page).locator('[data-key=profile]').fill('deploy');
  await generator(page).locator('[data-key=role]').fill('arn:aws:iam::444455556666:role/payments-deploy');
  await generator(page).locator('[data-key=externalId]').fill('payments-7f3a');
  await generator(page).locator('.advanced > summary').click();
  await fill(page, 'path', '/irsa/');
  await fill(page, 'managedPolicies', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
  await fill(page, 'maxSessionDuration', '7200');
  await fill(page, 'roleSessionName', 'payments');
  const workload = await wireWorkload(page, { kind: 'CronJob', name: 'nightly', container: 'job' });
  await generator(page).locator('[name=regionalSts]').check();
  await fill(page, 'clusterName', 'prod-eu');
  // One service account per workload is required: the page shows why at the field.
  assert.match(await workload.locator('> .msg').textContent(), /several service accounts/);
  await fill(page, 'serviceAccount', 'on/yes');
  // eksctl configures one named cluster.
  assert.match(await generator(page).locator('.field-clusterName .msg').textContent(), /exactly one cluster/);
  await fill(page, 'cluster', ISSUER);
  const expected = await assertMatchesCli(page);
  const kinds = expected.artifacts.map((a) => a.kind);
  for (const kind of ['trust-policy', 'permissions-policy', 'aws-config', 'service-account', 'config-map', 'workload-patch', 'aws-cli', 'eksctl', 'terraform', 'cloudformation']) {
    assert.ok(kinds.includes(kind), kind);
  }
  // Per-keystroke regeneration, timed inside the page.
  await page.evaluate(() => { document.querySelector('irsa-generator').timings.length = 0; });
  await generator(page).locator('[name=roleSessionName]').pressSequentially('-session-name', { delay: 5 });
  const timings = await page.evaluate(() => document.querySelector('irsa-generator').timings.slice());
  timings.sort((a, b) => a - b);
  metrics.keystrokeRegenerationMedianMs = Math.round(timings[Math.floor(timings.length / 2)] * 100) / 100;
  metrics.keystrokeRegenerationMaxMs = Math.round(timings[timings.length - 1] * 100) / 100;
  await assertMatchesCli(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a container with its own profile: the patch matches the CLI and the table shows every SDK acting as that profile', async () => {
  const { page, context, errors, requests } = await open('/', { width: 1440, height: 1400 });
  const section = generator(page).locator('.sdk-roles');
  assert.equal(await section.isHidden(), true, 'no table before a workload is wired');
  assert.ok(requests.every((url) => !url.includes('pkg-roles')), 'the table module loads only once a workload is wired');
  const workload = await wireWorkload(page, { kind: 'Deployment', name: 'api', container: 'app', profile: 'nope' });
  assert.match(await workload.locator('> .msg').textContent(), /nope is not a profile of this spec; it has default, deploy/);
  assert.equal(await workload.locator('[aria-invalid=true]').getAttribute('data-key'), 'profile');
  await workload.locator('[data-key=profile]').fill('deploy');
  const expected = await assertMatchesCli(page);
  const patch = expected.artifacts.find((a) => a.kind === 'workload-patch');
  assert.match(patch.content, /eks\.amazonaws\.com\/skip-containers: app/);
  await section.waitFor({ state: 'visible' });
  assert.match(await section.locator('caption').textContent(), /payments · deployment\/api · container app \(profile deploy\)/);
  const rows = await section.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  // SDKs that get the same identity the same way share a row; each family is in one.
  const families = rows.flatMap(([sdks]) => sdks.split(', '));
  assert.equal(families.length, 11, 'every SDK family (and older version) the core models');
  assert.equal(new Set(families).size, 11, 'each family in one row');
  assert.ok(rows.length < 11, `one row per family: ${JSON.stringify(rows)}`);
  const deploy = 'arn:aws:iam::444455556666:role/payments-deploy';
  for (const [sdks, actsAs] of rows) {
    if (sdks.split(', ').every((sdk) => sdk.startsWith('Java v1'))) assert.equal(actsAs, "the node's role (instance metadata)");
    else assert.equal(actsAs, deploy, sdks);
  }
  assert.match(await generator(page).locator('.panel code').textContent() + (await page.evaluate(() => document.querySelector('irsa-generator').items().find((i) => i.kind === 'commands').content)), /--profile deploy/);
  await page.screenshot({ path: join(OUT, 'page-sdk-roles-1440.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 390 px`);
  // Every cell inside its section, and an ARN column wide enough to read.
  const cells = await section.evaluate((s) => {
    const edge = s.getBoundingClientRect().right;
    const tds = [...s.querySelectorAll('td, th')];
    return { past: tds.filter((c) => c.getBoundingClientRect().right > edge + 0.5).map((c) => c.textContent),
      arn: Math.min(...tds.filter((c) => c.matches('td:not(.via)')).map((c) => c.getBoundingClientRect().width)) };
  });
  assert.deepEqual(cells.past, [], 'SDK table cells past their section at 390 px');
  assert.ok(cells.arn >= 80, `the acts-as column is ${cells.arn} px wide at 390 px`);
  await section.screenshot({ path: join(OUT, 'page-sdk-roles-390.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a workload of one of several service accounts says which, suggests the form\'s names, and matches the CLI', async () => {
  const { page, context, errors } = await open('/');
  await fill(page, 'serviceAccount', 'payments/api\npayments/worker');
  const workload = await wireWorkload(page, { kind: 'Deployment', name: 'worker' });
  assert.match(await workload.locator('> .msg').textContent(), /say which one this workload uses/);
  // The row's boxes suggest the form's service accounts and profiles, the pod role's first.
  const suggested = (key) => workload.locator(`[data-key=${key}]`).evaluate((box) => [...box.list.options].map((o) => o.value));
  assert.deepEqual(await suggested('serviceAccount'), ['payments/api', 'payments/worker']);
  assert.deepEqual(await suggested('profile'), ['default', 'deploy']);
  await generator(page).locator('.advanced summary').click();
  await fill(page, 'podProfile', 'app');
  assert.deepEqual(await suggested('profile'), ['app', 'deploy']);
  await workload.locator('[data-key=serviceAccount]').fill('payments/worker');
  const expected = await assertMatchesCli(page);
  const patch = expected.artifacts.find((a) => a.kind === 'workload-patch');
  assert.match(patch.content, /serviceAccountName: worker/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Pod Identity from the form matches the CLI', async () => {
  const { page, context, errors } = await open('/');
  await generator(page).locator('.advanced > summary').click();
  await generator(page).locator('[name=podIdentity]').check();
  const root = generator(page);
  assert.match(await root.locator('.field-clusterName .msg').textContent(), /clusterName is required with podIdentity/);
  await fill(page, 'clusterName', 'prod-eu');
  const expected = await assertMatchesCli(page);
  assert.ok(expected.artifacts.some((a) => a.kind === 'pod-identity'));
  await showFile(page, 'cli', 'commands.sh');
  const commands = await generator(page).locator('.panel code').textContent();
  assert.match(commands, /bash irsa\/pod-identity\/associations\.sh/);
  assert.match(commands, /^kubectl irsa bind -f irsa\.yaml$/m);
  assert.deepEqual(errors, []);
  await context.close();
});

test('invalid input shows the error next to the field it names', async () => {
  const { page, context } = await open('/');
  await fill(page, 'account', '1234');
  await fill(page, 'cluster', `${ISSUER}\nhttp://insecure.example.com`);
  const root = generator(page);
  assert.match(await root.locator('.field-account .msg').textContent(), /1234 is not an AWS account ID/);
  // Quoted values read as code.
  assert.equal(await root.locator('.field-account .msg code').first().textContent(), '1234');
  assert.equal(await root.locator('[name=account]').getAttribute('aria-invalid'), 'true');
  assert.match(await root.locator('.field-cluster .msg').textContent(), /line 2: .*must start with https:\/\//);
  await root.locator('[data-key=role]').fill('arn:aws:iam::444455556666:role/payments-api?');
  assert.match(await root.locator('.row > .msg').textContent(), /role/);
  assert.equal(await root.locator('[data-target="0"][data-key=role]').getAttribute('aria-invalid'), 'true');
  const bundle = await page.evaluate(() => document.querySelector('irsa-generator').bundle);
  assert.equal(bundle.artifacts.length, 0);
  assert.ok(await root.locator('.download-all').isDisabled());
  await context.close();
});

test('the share link restores the form and the output', async () => {
  const first = await open('/');
  await fill(first.page, 'serviceAccount', 'payments/api\npayments/worker');
  await fill(first.page, 'role', 'arn:aws:iam::111122223333:role/team/payments');
  // The link is written once typing pauses.
  await first.page.waitForFunction(() => location.hash.startsWith('#spec='));
  const url = await first.page.evaluate(() => location.href);
  const before = await first.page.evaluate(() => document.querySelector('irsa-generator').bundle);
  await first.context.close();
  const second = await open(new URL(url).pathname + new URL(url).hash);
  assert.equal(await generator(second.page).locator('[name=serviceAccount]').inputValue(), 'payments/api\npayments/worker');
  assert.equal(await generator(second.page).locator('[name=role]').inputValue(), 'arn:aws:iam::111122223333:role/team/payments');
  assert.deepEqual(await second.page.evaluate(() => document.querySelector('irsa-generator').bundle), before);
  await second.context.close();
});

test('the docs example embeds the component with preset fields and hidden sections', async () => {
  const { page, context, errors } = await open('/docs-example.html');
  const root = generator(page);
  assert.equal(await root.locator('[name=account]').inputValue(), '111122223333');
  assert.equal(await root.locator('details.advanced').isVisible(), false);
  assert.equal(await root.locator('.copy-link').isVisible(), false);
  // Untouched required fields are hints, not errors.
  assert.equal(await root.locator('.diag.error').count(), 0);
  assert.ok(await root.locator('.diag.hint').count() > 0);
  await fill(page, 'serviceAccount', 'shop/web');
  await fill(page, 'role', 'shop-web');
  await assertMatchesCli(page);
  await page.waitForTimeout(500); // past the share link's write delay
  assert.ok(!(await page.evaluate(() => location.href)).includes('#'), 'an embedded generator leaves the host page URL alone');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a crafted share link shows an error and never breaks rendering', async () => {
  for (const crafted of [{ account: '111122223333', targets: 'nope' }, { targets: [null, { profile: 1 }], role: 'payments-api' }, 'not an object']) {
    const hash = Buffer.from(JSON.stringify(crafted)).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
    const { page, context, errors } = await open(`/#spec=${hash}`);
    const general = await generator(page).locator('.general').textContent();
    assert.match(general, /the share link could not be read entirely/, JSON.stringify(crafted));
    assert.deepEqual(errors, [], JSON.stringify(crafted));
    await context.close();
  }
});

test('"Download all" writes long names as PAX records and real mtimes', async () => {
  const { page, context } = await open('/');
  const long = `kubernetes/${'n'.repeat(60)}/${'x'.repeat(90)}.yaml`;
  const bytes = await page.evaluate(async (paths) => {
    const { tarOf } = await import('./irsa-generator.js');
    const blob = tarOf(paths.map((path, i) => ({ path, content: `file ${i}\n`, mode: 0o644 })), 1767225600);
    return [...new Uint8Array(await blob.arrayBuffer())];
  }, [long, `${long}.2`, 'iam/ünïcode.json']);
  const file = join(OUT, 'download.tar');
  writeFileSync(file, Buffer.from(bytes));
  const listed = JSON.parse(execFileSync('python3', ['-c',
    'import json, sys, tarfile; t = tarfile.open(sys.argv[1]); print(json.dumps([[m.name, m.mtime, t.extractfile(m).read().decode()] for m in t.getmembers()]))',
    file]).toString());
  assert.deepEqual(listed, [
    [long, 1767225600, 'file 0\n'],
    [`${long}.2`, 1767225600, 'file 1\n'],
    ['iam/ünïcode.json', 1767225600, 'file 2\n'],
  ]);
  await context.close();
});

test('the local server answers 400 to a malformed URL and keeps serving', async () => {
  const bad = await fetch(`${origin}/%E0%A4%A`);
  assert.equal(bad.status, 400);
  assert.equal((await fetch(`${origin}/`)).status, 200);
});

test('no request leaves the origin, and none is made after load', async () => {
  const { page, context, requests } = await open('/');
  await page.waitForLoadState('networkidle');
  const atLoad = requests.length;
  assert.ok(requests.every((url) => url.startsWith(origin)), `requests left the origin: ${requests}`);
  await fill(page, 'role', 'other-role');
  await generator(page).locator('.targets .add').click();
  await generator(page).locator('.tool-tabs [role=tab]').nth(2).click();
  await generator(page).locator('.tool-tabs [role=tab]').nth(0).click();
  await generator(page).locator('.tabs [role=tab]').nth(1).click();
  await generator(page).locator('.theme').click();
  await page.waitForTimeout(200);
  assert.deepEqual(requests.slice(atLoad), [], 'requests after load');
  const served = new Set(server.requests.map((u) => u.split('?')[0]));
  for (const path of served) assert.ok(!path.includes('#'), path);
  await context.close();
});

test('keyboard: arrow keys move between tools and between a tool\'s files', async () => {
  const { page, context } = await open('/');
  const root = generator(page);
  await root.locator('.tool-tabs [role=tab]').first().focus();
  const tool = root.locator('.tool-tabs [role=tab][aria-selected=true]');
  const file = root.locator('.tabs [role=tab][aria-selected=true]');
  assert.equal(await tool.getAttribute('data-tool'), 'iam');
  await page.keyboard.press('ArrowRight');
  assert.equal(await tool.getAttribute('data-tool'), 'kubernetes');
  assert.match(await file.getAttribute('data-path'), /^kubernetes\//);
  await page.keyboard.press('End');
  assert.equal(await tool.getAttribute('data-tool'), 'spec');
  assert.equal(await file.getAttribute('data-path'), 'irsa.yaml');
  await page.keyboard.press('Home');
  await page.keyboard.press('Tab');
  // Into the IAM files: the trust policy, then the next file.
  assert.equal(await file.getAttribute('data-path'), 'iam/payments-api.trust.json');
  await page.keyboard.press('ArrowRight');
  assert.equal(await file.getAttribute('data-path'), 'iam/payments-api.permissions.json');
  // The tool remembers its file.
  await root.locator('.tool-tabs [data-tool=terraform]').click();
  await root.locator('.tool-tabs [data-tool=iam]').click();
  assert.equal(await file.getAttribute('data-path'), 'iam/payments-api.permissions.json');
  // Highlighted, numbered lines; the text is the file's, numbers left out.
  assert.ok(await root.locator('.panel code .t-key').count() > 0);
  const content = await root.locator('.panel code').textContent();
  const bundle = await page.evaluate(() => document.querySelector('irsa-generator').bundle);
  assert.equal(content, bundle.artifacts.find((a) => a.path === 'iam/payments-api.permissions.json').content);
  await context.close();
});

test('dark theme and phone width render', async () => {
  const { page, context } = await open('/', { width: 390, height: 1600 });
  assert.equal(await generator(page).locator('.theme').getAttribute('aria-pressed'), 'false');
  await generator(page).locator('.theme').click();
  assert.equal(await generator(page).locator('.theme').getAttribute('aria-pressed'), 'true');
  assert.equal(await generator(page).locator('.theme').textContent(), 'Theme: dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(255, 255, 255)');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at phone width`);
  // The auditor's long issuers and findings wrap too.
  await page.locator('irsa-audit textarea').fill(readFileSync(join(REPO, 'tests', 'audit', 'missing-aud.json'), 'utf8'));
  await page.locator('irsa-audit .verdict').waitFor();
  const auditOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(auditOverflow <= 0, `with an analysis shown the page scrolls sideways by ${auditOverflow}px`);
  await page.screenshot({ path: join(OUT, 'page-phone-dark.png'), fullPage: true });
  // The smallest phones: nothing runs past its fieldset, nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 1600 });
  const past = await generator(page).locator('fieldset').evaluateAll((sets) => sets.flatMap((fs) => {
    const edge = fs.getBoundingClientRect().right - parseFloat(getComputedStyle(fs).paddingRight);
    return [...fs.querySelectorAll('input, select, textarea, button')]
      .filter((e) => e.getBoundingClientRect().width && e.getBoundingClientRect().right > edge + 0.5)
      .map((e) => e.name || e.className || e.tagName);
  }));
  assert.deepEqual(past, [], 'controls past their fieldset at 320 px');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, 'the page scrolls sideways at 320 px');
  await context.close();
});

/** Where the time to the first output went, each as ms since navigation start. */
function firstOutputTimeline() {
  const at = (t) => Math.round(t * 10) / 10;
  const resources = performance.getEntriesByType('resource');
  const arrived = (test) => at(Math.max(...resources.filter((r) => test(r.name)).map((r) => r.responseEnd)));
  const mark = (name) => at(performance.getEntriesByName(name)[0].startTime);
  return {
    html: at(performance.getEntriesByType('navigation')[0].responseEnd),
    moduleGraph: arrived((url) => url.endsWith('.js')),
    wasm: arrived((url) => url.endsWith('irsa_wasm_bg.wasm')),
    wasmReady: mark('irsa-wasm-ready'),
    firstOutput: mark('irsa-first-output'),
    painted: mark('irsa-first-output-painted'),
  };
}

// Benchmarks: scripts/bench runs them, the test command skips them.
// Each visit to irsa's page is paired with one to the floor (tests/browser/floor: one
// module writes one line), in the same browser, in turns: what a fresh visit costs on this
// machine before any of irsa's code, and so what irsa's page adds to it.
test('navigation to first output painted, median of 9 fresh visits, beside the floor', { skip: !process.env.IRSA_BENCH && 'a benchmark: scripts/bench runs it' }, async () => {
  const floor = await serve(0, join(REPO, 'tests', 'browser', 'floor'));
  /** What `read` (run in the page) says of a fresh visit to `at`, once its output is painted. */
  const visit = async (at, read) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(at);
    await page.waitForFunction(() => performance.getEntriesByName('irsa-first-output-painted').length);
    const result = await page.evaluate(read);
    await context.close();
    return result;
  };
  const visitFloor = () => visit(`http://127.0.0.1:${floor.port}/`, () => performance.getEntriesByName('irsa-first-output-painted')[0].startTime);
  const runs = [];
  const floors = [];
  for (let i = 0; i < 9; i++) {
    if (i % 2 === 0) floors.push(await visitFloor());
    runs.push(await visit(`${origin}/`, firstOutputTimeline));
    if (i % 2 === 1) floors.push(await visitFloor());
  }
  floor.server.close();
  runs.sort((a, b) => a.painted - b.painted);
  floors.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)];
  const floorMedian = Math.round(floors[Math.floor(floors.length / 2)] * 10) / 10;
  metrics.navigationToFirstOutputMs = median.painted;
  metrics.firstOutputTimeline = median;
  metrics.floorFirstOutputMs = floorMedian;
  metrics.overFloorMs = Math.round((median.painted - floorMedian) * 10) / 10;
  metrics.toFloorRatio = Math.round((median.painted / floorMedian) * 100) / 100;
  assert.ok(median.firstOutput > 0 && median.painted >= median.firstOutput && floorMedian > 0);
});


test('wasm throughput against native for the same spec', { skip: !process.env.IRSA_BENCH && 'a benchmark: scripts/bench runs it' }, async () => {
  const { page, context } = await open('/');
  const spec = await page.evaluate(() => document.querySelector('irsa-generator').spec);
  const runs = 2000;
  const wasmNs = await page.evaluate(async ({ spec, runs }) => {
    const { generate } = await import('./pkg/irsa_wasm.js');
    const text = JSON.stringify(spec);
    for (let i = 0; i < 200; i += 1) generate(text);
    const start = performance.now();
    for (let i = 0; i < runs; i += 1) generate(text);
    return ((performance.now() - start) * 1e6) / runs;
  }, { spec, runs });
  const native = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--release', '-p', 'irsa-core', '--example', 'throughput', '--', String(runs)], {
    cwd: REPO, input: JSON.stringify(spec),
  }).toString());
  metrics.wasmNsPerBundle = Math.round(wasmNs);
  metrics.nativeNsPerBundle = native.nsPerBundle;
  metrics.wasmToNativeRatio = Math.round((wasmNs / native.nsPerBundle) * 100) / 100;
  assert.ok(wasmNs > 0 && native.nsPerBundle > 0);
  await context.close();
});

// The budget holds what the generator does today (the chain drawn both ways included),
// so that anything more is a decision.
test('size budget: wasm and JS glue at most 120 KB gzipped', () => {
  const wasm = gzipSync(readFileSync(join(REPO, 'web', 'pkg', 'irsa_wasm_bg.wasm')), { level: 9 }).length;
  const glue = gzipSync(readFileSync(join(REPO, 'web', 'pkg', 'irsa_wasm.js')), { level: 9 }).length;
  metrics.wasmGzipBytes = wasm;
  metrics.glueGzipBytes = glue;
  assert.ok(wasm + glue <= 120_000, `${wasm} + ${glue} bytes gzipped is over the 120 KB budget`);
});

test('size budget: the auditor, loaded on first use, at most 70 KB gzipped', () => {
  const wasm = gzipSync(readFileSync(join(REPO, 'web', 'pkg-audit', 'irsa_audit_bg.wasm')), { level: 9 }).length;
  const glue = gzipSync(readFileSync(join(REPO, 'web', 'pkg-audit', 'irsa_audit.js')), { level: 9 }).length;
  metrics.auditWasmGzipBytes = wasm;
  assert.ok(wasm + glue <= 70_000, `${wasm} + ${glue} bytes gzipped is over the auditor's 70 KB budget`);
});

// The table's build resolves a plan, and a plan runs every rule, the IAM quotas included:
// it carries the IAM model (about 9 KB), so its budget is 90 KB.
test('size budget: the SDK-role table, loaded once a workload is wired, at most 90 KB gzipped', () => {
  const wasm = gzipSync(readFileSync(join(REPO, 'web', 'pkg-roles', 'irsa_roles_bg.wasm')), { level: 9 }).length;
  const glue = gzipSync(readFileSync(join(REPO, 'web', 'pkg-roles', 'irsa_roles.js')), { level: 9 }).length;
  metrics.rolesWasmGzipBytes = wasm;
  assert.ok(wasm + glue <= 90_000, `${wasm} + ${glue} bytes gzipped is over the SDK-role table's 90 KB budget`);
});

/** What `kubectl irsa audit -o json` says of a policy file's text. */
function cliAudit(text) {
  const file = join(OUT, 'policy.json');
  writeFileSync(file, text);
  let stdout;
  try {
    stdout = execFileSync(CLI, ['audit', '--trust-policy', file, '-o', 'json']).toString();
  } catch (e) {
    stdout = e.stdout.toString();
  }
  const [{ file: _, ...result }] = JSON.parse(stdout);
  return result;
}

test('the trust policy panel analyses as kubectl irsa audit does, loading its module on first use', async () => {
  const { page, context, requests, errors } = await open('/');
  assert.ok(!requests.some((u) => u.includes('pkg-audit')), 'the auditor was fetched before it was used');
  const panel = page.locator('irsa-audit');
  await panel.locator('button.example').click();
  await panel.locator('.findings [data-code="no-sub"]').waitFor();
  assert.match(await panel.locator('.who').textContent(), /ANY service account/);
  const shown = await page.evaluate(() => document.querySelector('irsa-audit').result);
  const text = await panel.locator('textarea').inputValue();
  assert.deepEqual(shown.report, cliAudit(text));
  assert.equal(await panel.locator('pre.corrected').count(), 0, 'no corrected policy when the intent is unclear');

  // Every corpus policy: the panel's report equals the CLI's.
  const corpus = readdirSync(join(REPO, 'tests', 'audit')).filter((n) => !n.endsWith('.report.json'));
  assert.ok(corpus.length > 20);
  for (const name of corpus) {
    const policy = readFileSync(join(REPO, 'tests', 'audit', name), 'utf8');
    const result = await page.evaluate(async (policy) => {
      const el = document.querySelector('irsa-audit');
      await el.analyse(policy);
      return el.result;
    }, policy);
    // An empty panel shows nothing rather than an error.
    if (!policy.trim()) {
      assert.equal(result, null, name);
      continue;
    }
    const expected = cliAudit(policy);
    assert.deepEqual(result.report ?? { error: result.error }, expected, name);
  }

  // Where the intent is clear, the corrected policy is shown.
  await panel.locator('textarea').fill(readFileSync(join(REPO, 'tests', 'audit', 'missing-aud.json'), 'utf8'));
  await panel.locator('pre.corrected').waitFor();
  assert.match(await panel.locator('pre.corrected').textContent(), /:aud/);

  // Malformed input: where and why, not an exception.
  await panel.locator('textarea').fill('{"Statement": 3}');
  await panel.locator('.result .diag.error').waitFor();
  assert.match(await panel.locator('.result').textContent(), /Not a trust policy/);
  assert.ok(requests.some((u) => u.includes('pkg-audit/irsa_audit_bg.wasm')));
  assert.ok(requests.every((u) => u.startsWith(origin) || u.startsWith('data:')), 'a request left the origin');
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(OUT, 'audit-panel.png'), fullPage: true });
  await context.close();
});

test('size budget: the YAML reader, loaded on first import, at most 210 KB gzipped', () => {
  const wasm = gzipSync(readFileSync(join(REPO, 'web', 'pkg-yaml', 'irsa_yaml_bg.wasm')), { level: 9 }).length;
  const glue = gzipSync(readFileSync(join(REPO, 'web', 'pkg-yaml', 'irsa_yaml.js')), { level: 9 }).length;
  metrics.yamlWasmGzipBytes = wasm;
  assert.ok(wasm + glue <= 210_000, `${wasm} + ${glue} bytes gzipped is over the YAML reader's 210 KB budget`);
});

test('importing an irsa.yaml fills the form, and the page then generates what the CLI generates from the file', async () => {
  const { page, context, requests, errors } = await open('/');
  assert.ok(!requests.some((u) => u.includes('pkg-yaml')), 'the YAML reader was fetched before it was used');
  const root = generator(page);
  await root.locator('button.import').click();
  const examples = readdirSync(join(REPO, 'examples')).sort();
  const imported = [];
  for (const name of examples) {
    const file = join(REPO, 'examples', name);
    await root.locator('[name=import]').fill(readFileSync(file, 'utf8'));
    await root.locator('button.import-apply').click();
    await root.locator('.import-msg .diag').waitFor();
    const msg = await root.locator('.import-msg').textContent();
    if (msg.startsWith('Not imported')) {
      // Refused whole, never half: the message names what the form cannot hold.
      assert.match(msg, /the form has no place for /, name);
      continue;
    }
    assert.equal(msg, 'Imported.', name);
    const bundle = await page.evaluate(() => document.querySelector('irsa-generator').bundle);
    const cli = JSON.parse(execFileSync(CLI, ['generate', '-f', file, '-o', 'json']).toString());
    assert.deepEqual(bundle, cli, `${name}: the imported form generates something else than the file`);
    imported.push(name);
    await root.locator('.import-msg').evaluate((m) => m.replaceChildren());
  }
  // The form holds every example.
  const refused = examples.filter((n) => !imported.includes(n));
  assert.deepEqual(refused, [], `imported ${imported.join(', ')}`);
  // A typo in a key gets the key that was meant.
  await root.locator('[name=import]').fill('acount: "111122223333"\nserviceAccount: payments/api\n');
  await root.locator('button.import-apply').click();
  await root.locator('.import-msg .diag').waitFor();
  assert.match(await root.locator('.import-msg').textContent(), /acount \(did you mean account\?\)/);
  // A syntax error is shown, and the form keeps what it had.
  const before = await page.evaluate(() => document.querySelector('irsa-generator').spec);
  await root.locator('[name=import]').fill('account: [unclosed');
  await root.locator('button.import-apply').click();
  await root.locator('.import-msg .diag.error').waitFor();
  assert.deepEqual(await page.evaluate(() => document.querySelector('irsa-generator').spec), before);
  assert.ok(requests.every((u) => u.startsWith(origin)));
  assert.deepEqual(errors, []);
  await context.close();
});

/** axe-core's serious and critical violations on the page as it is now (shadow DOM included). */
async function axeViolations(page) {
  await page.addScriptTag({ path: join(REPO, 'tests', 'browser', 'node_modules', 'axe-core', 'axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core: no serious or critical violation, light and dark, with errors, and in the docs example', async () => {
  // The page's CSP allows no inline script: the test's context lets axe-core in.
  const { page, context } = await open('/', undefined, { bypassCSP: true });
  assert.deepEqual(await axeViolations(page), [], 'light');
  await fill(page, 'account', '1234');
  await fill(page, 'cluster', 'http://insecure.example.com');
  assert.deepEqual(await axeViolations(page), [], 'errors shown');
  await generator(page).locator('.theme').click();
  assert.deepEqual(await axeViolations(page), [], 'dark');
  await context.close();
  const docs = await open('/docs-example.html', undefined, { bypassCSP: true });
  assert.deepEqual(await axeViolations(docs.page), [], 'docs example');
  await docs.context.close();
});

test('profile rows: a name used twice and a missing role are said on their own row, and no target vanishes', async () => {
  const { page, context } = await open('/');
  const root = generator(page);
  await root.locator('.targets button.add').click();
  const rows = root.locator('.targets .row');
  const last = (await rows.count()) - 1;
  const first = await root.locator('[data-target="0"][data-key=profile]').inputValue();
  await root.locator(`[data-target="${last}"][data-key=profile]`).fill(first);
  await root.locator(`[data-target="${last}"][data-key=role]`).fill('arn:aws:iam::444455556666:role/other');
  assert.match(await rows.nth(last).locator('> .msg').textContent(), new RegExp(`Profile ${first} is already row 1`));
  assert.doesNotMatch(await rows.nth(0).locator('> .msg').textContent(), /Error|already|required/);
  assert.ok(await root.locator('.download-all').isDisabled());
  await root.locator(`[data-target="${last}"][data-key=profile]`).fill('audit');
  await root.locator(`[data-target="${last}"][data-key=role]`).fill('');
  assert.equal(await rows.nth(last).locator('> .msg').textContent(), 'Role is required');
  assert.doesNotMatch(await rows.nth(0).locator('> .msg').textContent(), /Error|already|required/);
  await context.close();
});

test('typing through an invalid value keeps the last valid output and the diagram', async () => {
  const { page, context } = await open('/');
  const root = generator(page);
  const before = await root.locator('.panel code').textContent();
  const diagram = await root.locator('.diagram svg').count();
  assert.equal(diagram, 1);
  const box = root.locator('[name=serviceAccount]');
  await box.fill('');
  for (const key of 'payments') {
    await box.press(key);
    assert.equal(await root.locator('.diagram svg').count(), 1, `the diagram stays while typing (${key})`);
    assert.notEqual(await root.locator('.panel code').textContent(), '', 'the output stays');
  }
  assert.match(await root.locator('.stale-note').textContent(), /last valid output/);
  for (const key of ['Slash', 'a', 'p', 'i']) await box.press(key);
  assert.equal(await root.locator('.stale-note').textContent(), '');
  assert.equal(await root.locator('.panel code').textContent(), before);
  await context.close();
});

test('a long error wraps inside its field at phone width', async () => {
  const { page, context } = await open('/', { width: 390, height: 1600 });
  await fill(page, 'cluster', `"https://oidc.eks.eu-west-2.amazonaws.com/id/${'0123456789ABCDEF'.repeat(4)}"`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await page.screenshot({ path: join(OUT, 'page-phone-long-error.png'), fullPage: true });
  await context.close();
});

test('embedding: pod-role presets the role, lock makes fields read-only even against a share link', async () => {
  const { page, context } = await open('/docs-example.html');
  const root = generator(page);
  assert.equal(await root.locator('[name=account]').getAttribute('readonly'), '');
  assert.equal(await root.locator('[name=cluster]').getAttribute('readonly'), '');
  assert.equal(await root.locator('[name=role]').getAttribute('readonly'), null);
  await page.evaluate(() => {
    const g = document.createElement('irsa-generator');
    g.setAttribute('pod-role', 'shop-web');
    g.setAttribute('account', '111122223333');
    g.setAttribute('lock', 'account');
    g.id = 'second';
    document.body.append(g);
  });
  await page.waitForFunction(() => document.querySelector('#second')?.bundle);
  assert.equal(await page.locator('#second').locator('[name=role]').inputValue(), 'shop-web');
  await context.close();
});

test('two panes at 1440 px: the artifacts beside the form, in view; one column at 390 px; Reset and Wrap work', async () => {
  for (const theme of ['light', 'dark']) {
    const { page, context } = await open('/', { width: 1440, height: 900 });
    const root = generator(page);
    if (theme === 'dark') await root.locator('.theme').click();
    const form = await root.locator('form').boundingBox();
    const output = await root.locator('.output').boundingBox();
    assert.ok(output.x >= form.x + form.width, `the output (x ${output.x}) is right of the form (ends at ${form.x + form.width})`);
    assert.ok(output.y < 900, `the output starts above the fold (y ${output.y})`);
    await page.screenshot({ path: join(OUT, `page-1440-${theme}.png`) });
    // The panel of the selected tab is labelled by it.
    const tool = await root.locator('.tool-tabs [role=tab][aria-selected=true]').getAttribute('id');
    assert.equal(await root.locator('.files[role=tabpanel]').getAttribute('aria-labelledby'), tool);
    const tab = await root.locator('.tabs [role=tab][aria-selected=true]').getAttribute('id');
    assert.equal(await root.locator('.panel[role=tabpanel]').getAttribute('aria-labelledby'), tab);
    await root.locator('.wrap').click();
    assert.equal(await root.locator('.wrap').getAttribute('aria-pressed'), 'true');
    await fill(page, 'role', 'changed-role');
    await root.locator('.reset').click();
    assert.equal(await root.locator('[name=role]').inputValue(), 'payments-api');
    // What was typed comes back with Undo.
    await root.locator('.reset-note .undo').click();
    assert.equal(await root.locator('[name=role]').inputValue(), 'changed-role');
    assert.equal(await page.evaluate(() => document.querySelector('irsa-generator').spec.role), 'changed-role');
    // Clear takes the example values too: no sample profile can reach one's own files.
    await root.locator('.clear').click();
    assert.deepEqual(await page.evaluate(() => document.querySelector('irsa-generator').spec), {});
    assert.equal(await root.locator('.targets .row').count(), 0);
    assert.match(await root.locator('.reset-note').textContent(), /Form cleared/);
    await context.close();
  }
  const { page, context } = await open('/', { width: 390, height: 900 });
  const form = await generator(page).locator('form').boundingBox();
  const output = await generator(page).locator('.output').boundingBox();
  assert.ok(output.y > form.y + form.height, 'one column: the output under the form');
  await context.close();
});

test('a share link opens with its advanced settings shown and leaves the URL as it came', async () => {
  const state = { account: '111122223333', cluster: ISSUER, serviceAccount: 'payments/api', role: 'payments-api', path: '/team/', targets: [] };
  const hash = `#spec=${Buffer.from(JSON.stringify(state)).toString('base64').replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`;
  const { page, context } = await open(`/${hash}`);
  assert.equal(await generator(page).locator('details.advanced').getAttribute('open'), '');
  await page.waitForTimeout(500); // past the share link's write delay
  assert.equal(await page.evaluate(() => location.hash), hash);
  await context.close();
});

test('one-click fixes for issuers: quotes, a JSON line, a provider ARN, http, upper case, a trailing slash', async () => {
  const { page, context } = await open('/');
  const root = generator(page);
  const host = 'oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
  for (const [typed, label] of [
    [`"https://${host}"`, 'Remove the quotes'],
    // As `aws eks describe-cluster` prints it: the key, the quotes and the comma go.
    [`"issuer": "https://${host}",`, 'Keep only the URL'],
    [`https://${host}/`, 'Remove the trailing /'],
    [`arn:aws:iam::111122223333:oidc-provider/${host}`, 'Use its issuer URL'],
    [`http://${host}`, 'Use https://'],
    [`https://OIDC.EKS.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`, 'Make it lower-case'],
  ]) {
    await fill(page, 'cluster', typed);
    const fix = root.locator('.field-cluster .msg button.fix');
    assert.equal(await fix.textContent(), label, typed);
    await fix.click();
    assert.equal(await root.locator('[name=cluster]').inputValue(), `https://${host}`, typed);
    assert.equal(await root.locator('.field-cluster .msg').textContent(), '', typed);
  }
  await context.close();
});

test('"What can the pod do?": presets write least-privilege statements for the pod role and a profile, as the CLI renders them', async () => {
  const { page, context, errors } = await open('/');
  const root = generator(page);
  const builder = root.locator('.permissions .builder');
  // Nothing is added without a name, and the error says which.
  await builder.locator('button.add-preset').click();
  assert.match(await builder.locator('.msg').textContent(), /Bucket name is required/);
  await builder.locator('input').fill('payments-reports');
  await builder.locator('input').press('Enter');
  await builder.locator('select').selectOption('secret-read');
  await builder.locator('input').fill('payments/db');
  await builder.locator('button.add-preset').click();
  const statements = JSON.parse(await root.locator('[name=statements]').inputValue());
  assert.deepEqual(statements.map((s) => s.Resource), [
    'arn:aws:s3:::payments-reports', 'arn:aws:s3:::payments-reports/*',
    // The region comes from the issuer, the account from the form; Secrets Manager adds six characters.
    'arn:aws:secretsmanager:eu-west-2:111122223333:secret:payments/db-??????',
  ]);
  // The profile's role is in another account: its statements point there.
  const row = root.locator('.targets .row').first();
  await row.locator('summary').click();
  await row.locator('.builder select').selectOption('sqs');
  await row.locator('.builder input').fill('payments-events');
  await row.locator('.builder button.add-preset').click();
  const rowStatements = JSON.parse(await row.locator('[data-key=statements]').inputValue());
  assert.equal(rowStatements[0].Resource, 'arn:aws:sqs:eu-west-2:444455556666:payments-events');
  // What users paste: a queue URL names its region and account; an ARN of another
  // service is refused at the name box.
  await row.locator('.builder input').fill('https://sqs.us-east-1.amazonaws.com/555566667777/jobs');
  await row.locator('.builder button.add-preset').click();
  assert.equal(JSON.parse(await row.locator('[data-key=statements]').inputValue()).at(-1).Resource, 'arn:aws:sqs:us-east-1:555566667777:jobs');
  await row.locator('.builder input').fill('arn:aws:s3:::payments-reports');
  await row.locator('.builder button.add-preset').click();
  assert.match(await row.locator('.builder .msg').textContent(), /that is an ARN of s3, not sqs/);
  assert.equal(await row.locator('.builder input').getAttribute('aria-invalid'), 'true');
  // Broken JSON in a row marks its box only.
  await row.locator('[data-key=statements]').fill('[{');
  assert.deepEqual(await row.locator('[aria-invalid=true]').evaluateAll((els) => els.map((e) => e.dataset.key)), ['statements']);
  await row.locator('[data-key=statements]').fill(JSON.stringify(rowStatements));
  const spec = await page.evaluate(() => document.querySelector('irsa-generator').spec);
  assert.deepEqual(spec.permissions.statements, statements);
  // An issuer in China and no account: the core's partition table says aws-cn, the
  // issuer the region, and the account stays a wildcard for the user to narrow.
  await fill(page, 'cluster', 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF');
  await fill(page, 'account', '');
  await builder.locator('input').fill('cn-reports');
  await builder.locator('button.add-preset').click();
  assert.equal(JSON.parse(await root.locator('[name=statements]').inputValue()).at(-1).Resource,
    'arn:aws-cn:secretsmanager:cn-north-1:*:secret:cn-reports-??????');
  await fill(page, 'statements', JSON.stringify(statements));
  await fill(page, 'cluster', ISSUER);
  await fill(page, 'account', '111122223333');
  assert.deepEqual(spec.assume.deploy.permissions.statements, rowStatements);
  const bundle = await page.evaluate(() => document.querySelector('irsa-generator').bundle);
  assert.deepEqual(bundle, cliBundle(spec));
  assert.ok(bundle.artifacts.some((a) => a.kind === 'permissions-policy' && a.content.includes('payments-reports/*')));
  // A whole policy document pasted: its statements are taken.
  await root.locator('[name=statements]').fill(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  assert.deepEqual(await page.evaluate(() => document.querySelector('irsa-generator').spec.permissions.statements), statements);
  // Broken JSON is said at the box, and the last valid output stays.
  await root.locator('[name=statements]').fill('[{"Effect": "Allow",');
  assert.match(await root.locator('.field-statements .msg').textContent(), /not JSON/);
  assert.equal(await root.locator('[name=statements]').getAttribute('aria-invalid'), 'true');
  assert.ok(await root.locator('.output.stale').count());
  // A statement the core refuses is said at the same box.
  await root.locator('[name=statements]').fill('[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}]');
  assert.match(await root.locator('.field-statements .msg').textContent(), /statement 1: a permissions statement takes no Principal/);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(OUT, 'statement-builder.png'), fullPage: true });
  await context.close();
});

test('an irsa.yaml with statements, tags and a profile\'s permissions imports whole, and generates what the CLI does', async () => {
  const { page, context, errors } = await open('/');
  const root = generator(page);
  const spec = {
    account: '111122223333', cluster: ISSUER, serviceAccount: 'payments/api', role: 'payments-api',
    tags: { team: 'payments', 'cost-center': '4711' },
    permissions: {
      managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      statements: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::payments-reports/*' }],
    },
    assume: {
      deploy: {
        role: 'arn:aws:iam::444455556666:role/payments-deploy', externalId: 'payments-7f3a',
        permissions: { statements: [{ Effect: 'Allow', Action: 'ecs:UpdateService', Resource: '*' }], managedPolicies: ['arn:aws:iam::aws:policy/SecurityAudit'] },
      },
    },
  };
  await root.locator('button.import').click();
  await root.locator('[name=import]').fill(JSON.stringify(spec));
  await root.locator('button.import-apply').click();
  await root.locator('.import-msg .diag').waitFor();
  assert.equal(await root.locator('.import-msg').textContent(), 'Imported.');
  assert.equal(await root.locator('[name=tags]').inputValue(), 'team=payments\ncost-center=4711');
  // Defaults and choices come from the core's schema.
  assert.equal(await root.locator('[name=tokenExpiration]').getAttribute('placeholder'), 'default: 86400');
  assert.deepEqual(await root.locator('[name=partition] option').evaluateAll((os) => os.map((o) => o.value)),
    ['', 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
  assert.ok(await root.locator('.row-permissions[open]').count(), 'the profile\'s permissions are shown');
  const bundle = await page.evaluate(() => document.querySelector('irsa-generator').bundle);
  assert.deepEqual(bundle, cliBundle(spec));
  // A tag line without `=` is said at the tags box.
  await fill(page, 'tags', 'team=payments\nowner');
  assert.match(await root.locator('.field-tags .msg').textContent(), /line 2: write a tag as key=value/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the diagram names its arrows; on phones it is drawn top to bottom, wide it lies across', async () => {
  const drawn = (figure) => figure.evaluate((f) => {
    const svg = f.querySelector('svg');
    const y = (kind) => Number(svg.querySelector(`.node.${kind} rect`).getAttribute('y'));
    return { scroll: f.scrollWidth, client: f.clientWidth, vertical: y('pod-role') > y('cluster'), tabIndex: f.tabIndex };
  });
  const waitAcross = (page) => page.waitForFunction(() => {
    const svg = document.querySelector('irsa-generator').shadowRoot.querySelector('.diagram svg');
    return svg.querySelector('.node.pod-role rect').getAttribute('y') === svg.querySelector('.node.cluster rect').getAttribute('y');
  });
  // A phone: top to bottom, whole, no tab stop.
  let { page, context } = await open('/', { width: 390, height: 900 });
  let figure = generator(page).locator('.diagram');
  assert.deepEqual(await figure.locator('.caption').allTextContents(), ['signs the token', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole']);
  let at = await drawn(figure);
  assert.ok(at.vertical && at.scroll <= at.client && at.tabIndex === -1, JSON.stringify(at));
  // The other account's role: a dashed box and arrow.
  assert.equal(await figure.locator('.node.target-role.cross-account rect[stroke-dasharray]').count(), 1);
  // The longest names still fit, shortened in the middle and whole in the box's tooltip.
  const longAccount = `${'n'.repeat(63)}/${'s'.repeat(200)}`;
  await fill(page, 'serviceAccount', longAccount);
  await fill(page, 'role', 'r'.repeat(64));
  await page.waitForFunction(() => document.querySelector('irsa-generator').shadowRoot.querySelector('.diagram title'));
  at = await drawn(figure);
  assert.ok(at.vertical && at.scroll <= at.client, JSON.stringify(at));
  assert.deepEqual(await figure.locator('.node.service-account title').allTextContents(), [`service account: ${longAccount}`]);
  await generator(page).locator('.reset').click();
  // Help text never breaks a flag at its hyphens: each word of quoted code kept whole.
  const broken = await generator(page).locator('.help code .word').evaluateAll((words) =>
    words.filter((w) => getComputedStyle(w).whiteSpace !== 'nowrap' || w.getClientRects().length > 1).map((w) => w.textContent));
  assert.deepEqual(broken, []);
  assert.ok(await generator(page).locator('.help code .word', { hasText: '--query' }).count());
  // Narrower still, the same drawing scrolls: the tab stop follows the resize.
  await page.setViewportSize({ width: 320, height: 900 });
  await page.waitForFunction(() => document.querySelector('irsa-generator').shadowRoot.querySelector('.diagram').tabIndex === 0);
  at = await drawn(figure);
  assert.ok(at.vertical && at.scroll > at.client, JSON.stringify(at));
  // Widened, it lies across.
  await page.setViewportSize({ width: 1440, height: 900 });
  await waitAcross(page);
  await context.close();
  // 1440 px: the example's whole chain across the pane, the other account's role
  // included, shrunk no further than 85%: nothing to scroll to, no tab stop.
  ({ page, context } = await open('/', { width: 1440, height: 900 }));
  figure = generator(page).locator('.diagram');
  assert.deepEqual(await figure.locator('.caption').allTextContents(), ['signs the token', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole']);
  at = await drawn(figure);
  assert.ok(!at.vertical && at.scroll <= at.client && at.tabIndex === -1, JSON.stringify(at));
  await context.close();
});

test('auditor and generator, linked: a verdict, the correction as a diff, and "Open in the generator"', async () => {
  const { page, context, errors } = await open('/');
  const panel = page.locator('irsa-audit');
  const audit = async (name) => {
    const before = await page.evaluate(() => document.querySelector('irsa-audit').result);
    await panel.locator('textarea').fill(readFileSync(join(REPO, 'tests', 'audit', name), 'utf8'));
    // The panel analyses a moment after typing stops: wait for the new result.
    await page.waitForFunction((old) => {
      const result = document.querySelector('irsa-audit').result;
      return result && JSON.stringify(result) !== old;
    }, JSON.stringify(before));
    return panel.locator('.verdict');
  };
  let verdict = await audit('eksctl-aud-only.json');
  assert.match(await verdict.textContent(), /^Too open: any service account of oidc\.eks\.eu-west-2/);
  assert.match(await verdict.getAttribute('class'), /error/);
  verdict = await audit('missing-aud.json');
  assert.match(await verdict.textContent(), /^Review: 1 finding, none high/);
  // The correction adds the aud condition: the diff says so, line by line.
  const added = await panel.locator('.diff .add').allTextContents();
  assert.ok(added.some((l) => l.includes(':aud') && l.startsWith('+ ')), added.join(''));
  // Only what the correction changes is marked, however the pasted policy orders its keys.
  await audit('correction-keeps-conditions.json');
  const changed = [...await panel.locator('.diff .add').allTextContents(), ...await panel.locator('.diff .del').allTextContents()];
  assert.ok(changed.some((l) => l.includes('StringLike')), changed.join(''));
  assert.ok(!changed.some((l) => /IpAddress|SourceIp|:aud/.test(l)), changed.join(''));
  verdict = await audit('two-clusters.json');
  assert.match(await verdict.textContent(), /^Scoped: only payments\/api \(of 2 clusters\) can assume this role/);
  verdict = await audit('eksctl-with-sub.json');
  assert.match(await verdict.textContent(), /^Scoped: only payments\/api can assume this role/);
  // At 1440 px the analysis sits beside the pasted policy.
  const input = await panel.locator('textarea').boundingBox();
  const result = await panel.locator('.result').boundingBox();
  assert.ok(result.x >= input.x + input.width, `the analysis (x ${result.x}) is beside the input (ends at ${input.x + input.width})`);
  // Into the generator: its issuer, account and service account, nothing else changed.
  await generator(page).locator('[name=serviceAccount]').fill('other/sa');
  await generator(page).locator('[name=account]').fill('999999999999');
  const role = await generator(page).locator('[name=role]').inputValue();
  await panel.locator('button.open-generator').click();
  assert.equal(await generator(page).locator('[name=serviceAccount]').inputValue(), 'payments/api');
  assert.equal(await generator(page).locator('[name=cluster]').inputValue(), ISSUER);
  assert.equal(await generator(page).locator('[name=account]').inputValue(), '111122223333');
  assert.equal(await generator(page).locator('[name=role]').inputValue(), role);
  const spec = await page.evaluate(() => document.querySelector('irsa-generator').spec);
  assert.deepEqual(await page.evaluate(() => document.querySelector('irsa-generator').bundle), cliBundle(spec));
  // A policy that names no service account leaves the form's as they are.
  await audit('wildcard-without-like.json');
  await panel.locator('button.open-generator').click();
  assert.equal(await generator(page).locator('[name=serviceAccount]').inputValue(), 'payments/api');
  assert.deepEqual(errors, []);
  await context.close();
});

test('every change reaches the share link: removing a row, resetting', async () => {
  const { page, context } = await open('/');
  const linked = async () => {
    await page.waitForFunction(() => location.hash.startsWith('#spec='));
    return page.evaluate(async () => (await import('/share.js')).decodeState(location.hash.slice('#spec='.length)));
  };
  await generator(page).locator('.targets .remove').click();
  assert.deepEqual((await linked()).targets ?? [], []);
  await page.evaluate(() => history.replaceState(null, '', location.pathname));
  await generator(page).locator('.reset').click();
  assert.equal((await linked()).targets?.[0]?.profile, 'deploy');
  // A reload right after typing, before the link is written, keeps what was typed, and
  // only a reload does: a fresh visit to the same URL opens it as it is.
  const role = () => generator(page).locator('input[name=role]');
  // The pause before writing the link stretched to a minute: surely unwritten at the reload.
  await page.evaluate(() => {
    const g = document.querySelector('irsa-generator');
    g.scheduleUrl = function () { clearTimeout(this.urlTimer); this.urlTimer = setTimeout(() => this.writeUrl(), 60_000); };
  });
  await role().fill('typed-then-reloaded');
  const unwritten = await page.evaluate(async () => (await import('/share.js')).decodeState(location.hash.slice('#spec='.length)));
  assert.notEqual(unwritten.role, 'typed-then-reloaded');
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('irsa-first-output').length);
  assert.equal(await role().inputValue(), 'typed-then-reloaded');
  assert.equal((await linked()).role, 'typed-then-reloaded', 'the URL has the restored link');
  await role().fill('typed-then-left');
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('irsa-first-output').length);
  assert.equal(await role().inputValue(), 'typed-then-reloaded');
  await context.close();
});

test('share links from before workloads were rows still restore their workload', async () => {
  const { page, context } = await open('/');
  const cleaned = await page.evaluate(async () => {
    const { cleanState } = await import('/share.js');
    return cleanState({ account: '111122223333', workloadKind: 'Deployment', workloadName: 'api', container: 'app', targets: [] });
  });
  assert.deepEqual(cleaned.dropped, []);
  assert.deepEqual(cleaned.state.workloads, [{ kind: 'Deployment', name: 'api', serviceAccount: '', container: 'app', profile: '' }]);
  await context.close();
});

test('form model edge cases: no empty lists, dotted profile names, tags and workloads that would not read back', async () => {
  const { page, context } = await open('/');
  const result = await page.evaluate(async () => {
    const m = await import('/form-model.js');
    const targets = [{ profile: 'prod', role: 'a' }, { profile: 'prod.eu', role: 'b' }];
    return {
      spec: m.specOf({ cluster: '', serviceAccount: 'a/b', targets: [], workloads: [] }),
      row: m.controlOf('assume.prod.eu.role', targets),
      box: m.rowBoxOf('assume.prod.eu.externalId', targets),
      // A row with only a role is `assume: {prod.eu: ROLE}`: its role's errors are at the row.
      shortRole: m.rowBoxOf('assume.prod.eu', targets, 'partition-mismatch'),
      shortRow: m.rowBoxOf('assume.prod.eu', targets, 'cross-account-without-external-id'),
      tags: m.stateOf({ tags: { team: ' padded ' } }).unsupported,
      workload: m.stateOf({ workload: 'deploy' }).unsupported,
      externalId: m.stateOf({ assume: { d: { role: 'r', externalId: { a: 1 } } } }).unsupported,
      proto: Object.keys(m.parseTags('__proto__=x').tags),
    };
  });
  assert.deepEqual(result.spec, { serviceAccount: 'a/b' });
  assert.equal(result.row, 'target-1');
  assert.equal(result.box, 'externalId');
  assert.equal(result.shortRole, 'role');
  assert.equal(result.shortRow, null);
  assert.deepEqual(result.tags, ['tags']);
  assert.deepEqual(result.workload, ['workload']);
  assert.deepEqual(result.externalId, ['assume.d']);
  assert.deepEqual(result.proto, ['__proto__']);
  await context.close();
});
