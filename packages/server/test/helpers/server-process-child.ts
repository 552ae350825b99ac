// The child of server-process.ts: the app on a fresh data folder, its storage given by the parent, on a free port.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bearerToken } from './integration-helpers';
import { ADMIN_PASSWORD, makeTestApp } from './test-app';

process.once('message', (m) => {
  void (async () => {
    const t = await makeTestApp();
    for (const [file, text] of Object.entries((m as { files: Record<string, string> }).files)) {
      const target = path.join(t.dataDir, 'storage', file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    process.send!({ port, bearer: await bearerToken(t.app, 'admin', ADMIN_PASSWORD) });
    process.on('message', (msg) => {
      if (msg === 'stop') void t.close().then(() => process.exit(0));
    });
  })();
});
