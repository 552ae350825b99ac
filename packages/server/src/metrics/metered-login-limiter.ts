// The login limiter, counting for the metrics every failed login and every lockout it begins.
import type { Clock } from '../core/clock';
import { LoginLimiter } from '../auth/login-limiter';
import type { FlowportMetrics } from './flowport-metrics';

/** Every refused password passes through fail(); a lockout is a fail() after which the login is locked. */
export class MeteredLoginLimiter extends LoginLimiter {
  constructor(
    private readonly metrics: Pick<FlowportMetrics, 'loginFailed' | 'lockoutBegan'>,
    clock: Clock,
    limits: () => { attempts: number; lockoutSeconds: number },
  ) {
    super(clock, limits);
  }

  override fail(user: string, client: string): void {
    const before = this.lockedFor(user, client);
    super.fail(user, client);
    this.metrics.loginFailed();
    if (before === 0 && this.lockedFor(user, client) > 0) this.metrics.lockoutBegan();
  }
}
