// Runs the browser tests against a real server: installs the npm packages when needed
// (npm ci in tests/e2e/ and web/), then for each *.test.mjs here (one after the other,
// one browser at a time) makes a fresh demo registry with the built binary (init, demo,
// import, a staff token and a staff account), starts `talentpool serve --port 0` on
// 127.0.0.1, runs the file with node's test runner, stops the server and removes the
// registry. Debian's chromium is the browser; none is ever downloaded.
//
//   node run.mjs [--binary build/talentpool] [--persons 2000] [--keep] [FILE_PATTERN...]
//   node run.mjs --install-only      (the npm set-up alone, before tests run in parallel)
//
// The tests read what they need (address, tokens, accounts, the pool file) from the JSON
// file named by E2E_FIXTURE. Exit status: 0 when every file passed, 1 when one failed, 2
// when the set-up failed.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

function parseArgs(argv) {
  const args = { binary: process.env.TALENTPOOL_BINARY || join(root, 'build/talentpool'),
    persons: 2000, keep: false, installOnly: false, patterns: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--binary') args.binary = resolve(argv[++i]);
    else if (a === '--persons') args.persons = Number(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else if (a === '--install-only') args.installOnly = true;
    else args.patterns.push(a);
  }
  return args;
}

function log(line) {
  process.stdout.write(`e2e: ${line}\n`);
}

// npm ci when node_modules is missing or older than the lock file (and, for web/, when
// the vendor copy is missing).
function ensurePackages(dir, marker) {
  const lock = join(dir, 'package-lock.json');
  const installed = join(dir, 'node_modules/.package-lock.json');
  const fresh = existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs &&
    (!marker || existsSync(join(dir, marker)));
  if (fresh) return;
  log(`npm ci in ${dir.slice(root.length + 1)}`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
}

function talentpool(binary, args, env) {
  return execFileSync(binary, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// The registry's units (code, type, province, name) and its number of people.
function registryFacts(binary, dataDir, env) {
  const units = talentpool(binary, ['units', '--data', dataDir], env).trim().split('\n')
    .map((line) => line.split('\t')).map(([code, type, province, name]) => ({ code, type, province, name }));
  const persons = JSON.parse(talentpool(binary, ['stats', '--data', dataDir], env)).persons;
  return { units, persons };
}

// A staff account; `user add` prints the initial password last, to be changed at the
// first sign-in. Null from a binary that has no accounts yet (the tests that need one fail
// saying so; the others run).
function staffAccount(binary, dataDir, env) {
  const username = 'e2e-staff';
  try {
    const out = talentpool(binary, ['user', 'add', '--data', dataDir, '--username', username, '--role', 'staff',
      '--name', '测试员'], env);
    return { username, initialPassword: out.trim().split('\n').pop().trim() };
  } catch (error) {
    log(`no staff account (talentpool user add: ${String(error.stderr || error.message).trim().split('\n')[0]})`);
    return null;
  }
}

function startServer(binary, dataDir, env) {
  return new Promise((resolveStart, rejectStart) => {
    const child = spawn(binary, ['serve', '--data', dataDir, '--port', '0', '--bind', '127.0.0.1'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => rejectStart(new Error(`server did not start in 60 s\n${err}`)), 60000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, base: m[1] });
      }
    });
    // The request log goes to stderr: kept in a file for a failing run.
    child.stderr.on('data', (chunk) => { err += chunk; if (err.length > 1e6) err = err.slice(-5e5); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`server exited with ${code}\n${err}`));
    });
    child.log = () => err;
  });
}

function stopServer(child) {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => { clearTimeout(timer); done(); });
    child.kill('SIGTERM');
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.installOnly) {
    ensurePackages(here);
    ensurePackages(join(root, 'web'), 'vendor/qrcode.mjs');
    return 0;
  }
  if (!existsSync(args.binary)) {
    log(`no binary at ${args.binary}: build first, or pass --binary`);
    return 2;
  }
  if (!existsSync('/usr/bin/chromium')) {
    log('no /usr/bin/chromium: scripts/install-deps.sh test installs it');
    return 2;
  }
  ensurePackages(here);
  ensurePackages(join(root, 'web'), 'vendor/qrcode.mjs');

  const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => !args.patterns.length || args.patterns.some((p) => f.includes(p))).sort();
  const failed = [];
  for (const file of files) {
    // Each file gets a registry of its own: what one test adds (people, rounds,
    // invitations) never changes the counts another expects.
    const code = await runFile(args, file);
    if (code !== 0) failed.push(file);
  }
  log(`${files.length - failed.length} passed, ${failed.length} failed` +
    (failed.length ? ` (${failed.join(', ')})` : ''));
  return failed.length ? 1 : 0;
}

async function runFile(args, file) {
  const dataDir = mkdtempSync(join(tmpdir(), 'talentpool-e2e-'));
  const env = { ...process.env, TALENTPOOL_ROOT: root };
  let server = null;
  try {
    log(`${file}: demo registry of ${args.persons} people in ${dataDir}`);
    const pool = join(dataDir, 'demo-pool.csv');
    talentpool(args.binary, ['init', '--data', dataDir], env);
    talentpool(args.binary, ['demo', '--persons', String(args.persons), '--out', pool], env);
    try {
      talentpool(args.binary, ['import', '--data', dataDir, pool], env);
    } catch (error) {
      // exit 1: some rows rejected; the tests count from the registry, so go on.
      if (error.status !== 1) throw error;
    }
    const { units, persons } = registryFacts(args.binary, dataDir, env);
    const token = (more) => talentpool(args.binary, ['token', '--data', dataDir, ...more], env).trim();
    const fixture = {
      root,
      dataDir,
      pool,
      persons,
      units,
      staffToken: token(['--role', 'staff', '--label', 'e2e-staff']),
      staffAccount: staffAccount(args.binary, dataDir, env),
      screenshots: join(here, 'screenshots'),
      // lib.mjs makes unit tokens with it, for whichever unit a test needs.
      binary: args.binary,
    };
    server = await startServer(args.binary, dataDir, env);
    fixture.base = server.base;
    log(`${file}: server on ${server.base}`);
    const fixturePath = join(dataDir, 'fixture.json');
    writeFileSync(fixturePath, JSON.stringify(fixture, null, 2));

    const code = await new Promise((done) => {
      const child = spawn(process.execPath, ['--test', '--test-reporter=spec', join(here, file)],
        { cwd: here, env: { ...env, E2E_FIXTURE: fixturePath }, stdio: 'inherit' });
      child.on('exit', (status) => done(status ?? 1));
    });
    if (code !== 0) {
      const logFile = join(here, 'screenshots', `${file.replace('.test.mjs', '')}-server.log`);
      try {
        mkdirSync(dirname(logFile), { recursive: true });
        writeFileSync(logFile, server.child.log());
        log(`${file} failed; the server's request log is in ${logFile}`);
      } catch {
        // nowhere to write: the test output has to do
      }
    }
    return code;
  } finally {
    if (server) await stopServer(server.child);
    if (args.keep) log(`registry kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error) => {
  log(`set-up failed: ${error.stack || error}`);
  process.exit(2);
});
