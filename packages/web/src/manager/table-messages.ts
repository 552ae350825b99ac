// English and Russian texts of the table's sorting, widths, group links, time and memory columns, watchdog, progress.
import { addMessages, type Messages } from '../components/i18n';

const en: Messages = {
  'mgr.col.runningFor': 'Running for',
  'mgr.col.idleFor': 'Idle for',
  'mgr.col.memory': 'Memory',
  'mgr.col.sortHint': 'Click to sort: ascending, descending, off',
  'mgr.col.resize': 'Width of the {column} column (drag, or arrow keys)',
  'mgr.jump.label': 'Go to',
  'mgr.action.expandAll': 'Expand all',
  'mgr.action.collapseAll': 'Collapse all',
  'mgr.pool.instanceHelp': 'Instance id: tells pooled instances of one package apart',
  'mgr.activity.nodes': '{done}/{total} nodes',
  'mgr.activity.noFigure': 'The running statement gives no progress figure',
  'mgr.watch.warn': 'Running longer than {seconds} s (warning threshold)',
  'mgr.watch.alert': 'Running longer than {seconds} s (alert threshold)',
  'mgr.watch.legendWarn': 'running over {seconds} s',
  'mgr.watch.legendAlert': 'running over {seconds} s',
  'mgr.watch.legendLimit': 'stopped by the server after {seconds} s',
  'mgr.watch.legendLimitOff': 'no running time limit',
  'mgr.watch.legendIdle': 'idle Studio sessions closed after {seconds} s',
  'mgr.watch.legendIdleOff': 'no idle timeout',
};

const ru: Messages = {
  'mgr.col.runningFor': 'Выполняется',
  'mgr.col.idleFor': 'Бездействие',
  'mgr.col.memory': 'Память',
  'mgr.col.sortHint': 'Щелчок сортирует: по возрастанию, по убыванию, без сортировки',
  'mgr.col.resize': 'Ширина колонки «{column}» (перетащите или нажимайте стрелки)',
  'mgr.jump.label': 'Перейти',
  'mgr.action.expandAll': 'Развернуть все',
  'mgr.action.collapseAll': 'Свернуть все',
  'mgr.pool.instanceHelp': 'Идентификатор экземпляра: различает экземпляры одного пакета в пуле',
  'mgr.activity.nodes': 'узлов {done}/{total}',
  'mgr.activity.noFigure': 'Выполняемый запрос не сообщает прогресс',
  'mgr.watch.warn': 'Выполняется дольше {seconds} с (порог предупреждения)',
  'mgr.watch.alert': 'Выполняется дольше {seconds} с (порог тревоги)',
  'mgr.watch.legendWarn': 'выполняется дольше {seconds} с',
  'mgr.watch.legendAlert': 'выполняется дольше {seconds} с',
  'mgr.watch.legendLimit': 'сервер останавливает через {seconds} с',
  'mgr.watch.legendLimitOff': 'предела времени выполнения нет',
  'mgr.watch.legendIdle': 'бездействующие сессии Студии закрываются через {seconds} с',
  'mgr.watch.legendIdleOff': 'тайм-аута бездействия нет',
};

addMessages('en', en);
addMessages('ru', ru);
