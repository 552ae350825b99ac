// What the core keeps for each loaded package: its source, parse result and engine runtime.
import type { PackageIssue } from '@flowport/protocol';
import type { PackageDef, PackageRuntime } from '../engine';

export interface EngineHandle {
  /** Storage path, null for a draft. */
  path: string | null;
  text: string;
  /** Undefined when the source does not parse into a package; `issues` say why. */
  def?: PackageDef;
  issues: PackageIssue[];
  /** Present whenever `def` is. */
  runtime?: PackageRuntime;
}
