// The offline image build: docker-archive tars with the right names, entrypoint/cmd and a rootfs
// with every busybox applet, cached after the first build. (Running them: cri-runtime.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureImageArchive } from '../../src/kubelet/images/build.js';
import { BUSYBOX_IMAGE, PAUSE_IMAGE } from '../../src/kubelet/images/builtin.js';

interface ArchiveManifest {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function readMember(archive: string, member: string): string {
  return execFileSync('tar', ['-xOf', archive, member], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function inspect(archive: string): { manifest: ArchiveManifest; config: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] }; files: string[] } {
  const [manifest] = JSON.parse(readMember(archive, 'manifest.json')) as ArchiveManifest[];
  const config = (JSON.parse(readMember(archive, manifest.Config)) as { config: Record<string, never> }).config;
  assert.equal(manifest.Layers.length, 1);
  const files = execFileSync('sh', ['-c', `tar -xOf "$0" "$1" | tar -tv`, archive, manifest.Layers[0]], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
  return { manifest, config, files };
}

test('pause and busybox images are built from busybox-static and cached', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'k8ts-images-'));
  try {
    const pause = await ensureImageArchive(PAUSE_IMAGE, { cacheDir });
    const busybox = await ensureImageArchive(BUSYBOX_IMAGE, { cacheDir });

    const p = inspect(pause);
    assert.deepEqual(p.manifest.RepoTags, [PAUSE_IMAGE]);
    assert.deepEqual(p.config.Entrypoint, ['/bin/sleep', '2147483647']);

    const b = inspect(busybox);
    assert.deepEqual(b.manifest.RepoTags, [BUSYBOX_IMAGE]);
    assert.deepEqual(b.config.Cmd, ['sh']);
    assert.ok(!b.config.Entrypoint?.length);
    assert.ok(b.config.Env?.some(e => e.startsWith('PATH=')));
    const entry = (path: string) => b.files.find(line => line.endsWith(` ${path}`) || line.includes(` ${path} -> `));
    assert.match(entry('bin/busybox') ?? '', /^-rwxr-xr-x/);
    for (const applet of ['bin/sh', 'usr/sbin/httpd', 'usr/bin/wget', 'usr/bin/nc', 'bin/sleep']) {
      assert.match(entry(applet) ?? `${applet} missing`, / -> \/bin\/busybox$/);
    }
    assert.match(entry('tmp/') ?? 'tmp missing', /^drwxrwxrwt/);
    assert.ok(entry('etc/passwd'));

    // Cached: the same file, not rebuilt.
    const mtime = statSync(busybox).mtimeMs;
    assert.equal(await ensureImageArchive(BUSYBOX_IMAGE, { cacheDir }), busybox);
    assert.equal(statSync(busybox).mtimeMs, mtime);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
