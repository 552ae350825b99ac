// Labels of an Integrator request's duration: package and node from its URL, kept to real operations (bounded cardinality).
export const UNKNOWN_TARGET = '(unknown)';
export const OTHER_TARGET = '(other)';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export function statusClass(status: number): StatusClass {
  const c = Math.min(5, Math.max(1, Math.floor(status / 100)));
  return `${c}xx` as StatusClass;
}

export interface TargetLabels {
  package: string;
  node: string;
}

/**
 * The URL names any package and node a caller likes; as labels, each would make a series of its
 * own. A target is named once it has answered 2xx (a published node) or 5xx (it got as far as
 * executing, or the server failed it); until then its 4xx answers count under "(unknown)". At most
 * `max` targets are named; more go under "(other)".
 */
export class IntegratorLabels {
  private readonly known = new Map<string, TargetLabels>();
  private readonly unknown: TargetLabels = { package: UNKNOWN_TARGET, node: UNKNOWN_TARGET };
  private readonly other: TargetLabels = { package: OTHER_TARGET, node: OTHER_TARGET };

  constructor(private readonly max = 500) {}

  /** `target`: the URL after the Integrator prefix, `<package path>/<node>`. */
  of(target: string, status: number): TargetLabels {
    const hit = this.known.get(target);
    if (hit) return hit;
    const named = status < 300 || status >= 500;
    const i = target.lastIndexOf('/');
    if (!named || i <= 0 || i === target.length - 1) return this.unknown;
    if (this.known.size >= this.max) return this.other;
    const labels = { package: target.slice(0, i), node: target.slice(i + 1) };
    this.known.set(target, labels);
    return labels;
  }
}
