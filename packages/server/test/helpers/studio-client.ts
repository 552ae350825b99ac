// A Studio client for tests: a session of a user, driven through the real HTTP API with inject().
import type { FastifyInstance } from 'fastify';
import type { PackageDto } from '@flowport/protocol';
import type { LoggedIn } from './test-app';

export class StudioClient {
  constructor(
    readonly app: FastifyInstance,
    readonly auth: LoggedIn,
    readonly sid: string,
  ) {}

  static async open(app: FastifyInstance, auth: LoggedIn): Promise<StudioClient> {
    const res = await app.inject({ method: 'POST', url: '/api/sessions', headers: auth.headers });
    if (res.statusCode !== 201) throw new Error(`create session: ${res.statusCode} ${res.body}`);
    return new StudioClient(app, auth, res.json().id);
  }

  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: object) {
    return this.app.inject({ method, url: `/api/sessions/${this.sid}${path}`, headers: this.auth.headers, payload });
  }

  async openPackage(path: string): Promise<PackageDto> {
    const res = await this.request('POST', '/packages', { path });
    if (res.statusCode !== 201) throw new Error(`open ${path}: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  async get(pid: string): Promise<PackageDto> {
    return (await this.request('GET', `/packages/${pid}`)).json();
  }

  /** Starts a run and polls until the package is no longer running. */
  async runToEnd(pid: string, body: object = {}, timeoutMs = 30_000): Promise<PackageDto> {
    const res = await this.request('POST', `/packages/${pid}/run`, body);
    if (res.statusCode !== 202) throw new Error(`run: ${res.statusCode} ${res.body}`);
    return this.waitIdle(pid, timeoutMs);
  }

  async waitIdle(pid: string, timeoutMs = 30_000): Promise<PackageDto> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const dto = await this.get(pid);
      if (!dto.running) return dto;
      if (Date.now() > until) throw new Error(`package ${pid} still running after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async waitRunning(pid: string, timeoutMs = 10_000): Promise<PackageDto> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const dto = await this.get(pid);
      if (dto.running && dto.progress) return dto;
      if (Date.now() > until) throw new Error(`package ${pid} not running after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
