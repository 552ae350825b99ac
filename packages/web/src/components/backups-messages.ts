// The backups table's messages in English and Russian, registered with the app's dictionaries at module load.
import { addMessages, type Messages } from './i18n';

export const backupsEn: Messages = {
  'backups.title': 'Backups of unsaved work',
  'backups.button': 'Backups',
  'backups.table': 'Backups',
  'backups.package': 'Package',
  'backups.user': 'User',
  'backups.at': 'Backed up',
  'backups.reason': 'Reason',
  'backups.file': 'File',
  'backups.actions': 'Actions',
  'backups.open': 'Open as a draft',
  'backups.discard': 'Discard',
  'backups.discardConfirm': 'Discard this backup? It cannot be recovered.',
  'backups.discarded': 'Backup discarded',
  'backups.empty': 'No backups',
  'backups.loadFailed': 'The backups cannot be listed',
  'backups.reload': 'Refresh the list of backups',
  'backups.reason.administrator': 'closed by an administrator',
  'backups.reason.timeout': 'connection lost',
  'backups.reason.shutdown': 'server shut down',
  'backups.reason.client': 'session ended',
  'backups.by': '({name})',
  'backups.draft': 'draft',
};

export const backupsRu: Messages = {
  'backups.title': 'Резервные копии несохранённых изменений',
  'backups.button': 'Резервные копии',
  'backups.table': 'Резервные копии',
  'backups.package': 'Пакет',
  'backups.user': 'Пользователь',
  'backups.at': 'Сохранена',
  'backups.reason': 'Причина',
  'backups.file': 'Файл',
  'backups.actions': 'Действия',
  'backups.open': 'Открыть как черновик',
  'backups.discard': 'Удалить',
  'backups.discardConfirm': 'Удалить эту резервную копию? Восстановить её будет нельзя.',
  'backups.discarded': 'Резервная копия удалена',
  'backups.empty': 'Резервных копий нет',
  'backups.loadFailed': 'Не удалось получить список резервных копий',
  'backups.reload': 'Обновить список резервных копий',
  'backups.reason.administrator': 'закрыта администратором',
  'backups.reason.timeout': 'потеряна связь',
  'backups.reason.shutdown': 'сервер остановлен',
  'backups.reason.client': 'сессия завершена',
  'backups.by': '({name})',
  'backups.draft': 'черновик',
};

addMessages('en', backupsEn);
addMessages('ru', backupsRu);
