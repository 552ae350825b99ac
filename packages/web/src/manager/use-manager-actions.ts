// Stop, Close and Clear package pool: the action waiting for confirmation, running it, and what came of it.
import { useCallback, useMemo, useState } from 'react';
import { App } from 'antd';
import { useT } from '../components/i18n';
import { planClose, planStop, runAction, type ActionFailure, type PendingAction } from './manager-actions';
import type { ItemRow, RowModel } from './manager-rows';

const DONE_MESSAGES = { stop: 'mgr.result.stopped', close: 'mgr.result.closed', clear: 'mgr.result.cleared' } as const;

export function useManagerActions(selected: ItemRow[], model: RowModel, afterAction: () => void) {
  const t = useT();
  const { message } = App.useApp();
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState<ActionFailure[]>([]);

  const stopTargets = useMemo(() => planStop(selected), [selected]);
  const canStop = stopTargets.length > 0;
  const canClose = selected.length > 0;

  const requestStop = useCallback(() => {
    if (stopTargets.length > 0) setPending({ type: 'stop', targets: stopTargets });
  }, [stopTargets]);
  const requestClose = useCallback(() => {
    const targets = planClose(selected);
    if (targets.length > 0) setPending({ type: 'close', targets });
  }, [selected]);
  const requestClearPool = useCallback(() => setPending({ type: 'clear', targets: [], pool: model.pool }), [model]);
  const cancel = useCallback(() => setPending(null), []);
  const dismissFailures = useCallback(() => setFailures([]), []);

  const confirm = useCallback(async () => {
    if (!pending) return;
    setBusy(true);
    const outcome = await runAction(pending, t);
    setBusy(false);
    setPending(null);
    setFailures(outcome.failures);
    if (outcome.done > 0 || outcome.failures.length === 0) {
      void message.success(t(DONE_MESSAGES[outcome.type], { count: outcome.done }));
    }
    afterAction();
  }, [pending, t, message, afterAction]);

  return {
    pending,
    busy,
    failures,
    canStop,
    canClose,
    requestStop,
    requestClose,
    requestClearPool,
    confirm,
    cancel,
    dismissFailures,
  };
}
